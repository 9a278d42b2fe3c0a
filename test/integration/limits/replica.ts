/**
 * One gateway replica for the multi-process limit tests: starts from the config file
 * named on the command line on an ephemeral port and prints `{"url": …}` on stdout.
 * SIGTERM closes it.
 */
import { pino } from 'pino';
import { startGateway } from '../../../src/engine/server/gateway.ts';

const gw = await startGateway({
  configPath: process.argv[2]!,
  port: 0,
  host: '127.0.0.1',
  logger: pino({ level: 'silent' }),
  defaultMetrics: false,
  watch: false,
});
process.stdout.write(JSON.stringify({ url: gw.url }) + '\n');
process.on('SIGTERM', () => {
  void gw.close(500).finally(() => process.exit(0));
});
