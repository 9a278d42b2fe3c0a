/**
 * `llm-gateway start [--config F]` and `llm-gateway validate [F]`.
 * The config file is `--config`, else GATEWAY_CONFIG, else ./gateway.yaml.
 */
import path from 'node:path';
import { runValidate } from './config/index.ts';
import { providerIssues } from './provider-checks.ts';
import { startGateway } from './server/gateway.ts';

const USAGE = `usage:
  llm-gateway start [--config gateway.yaml]   start the gateway (PORT overrides server.port)
  llm-gateway validate [gateway.yaml]         check a config file; exit 0 if valid, 1 if not`;

function configArg(args: string[]): string {
  const i = args.findIndex((a) => a === '--config' || a === '-c');
  if (i !== -1 && args[i + 1]) return args[i + 1]!;
  const eq = args.find((a) => a.startsWith('--config='));
  if (eq) return eq.slice('--config='.length);
  return process.env.GATEWAY_CONFIG ?? 'gateway.yaml';
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (cmd === 'validate') {
    const file = args.find((a) => !a.startsWith('-')) ?? configArg(args);
    // The same checks a reload runs, provider adapters' options included.
    const dir = path.dirname(path.resolve(file));
    return runValidate(file, { log: (s) => console.log(s), error: (s) => console.error(s) }, { extraChecks: (c) => providerIssues(c, dir) });
  }
  if (cmd === 'start' || cmd === undefined) {
    let gw;
    try {
      gw = await startGateway({ configPath: configArg(args) });
    } catch (err) {
      console.error((err as Error).message);
      return 1;
    }
    console.log(`llm-gateway listening on ${gw.url} (config generation ${gw.runtime.current?.id})`);
    const stop = (signal: string) => {
      gw.logger.info({ signal }, 'shutting down');
      void gw.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    return new Promise<number>(() => {
      /* runs until a signal */
    });
  }
  console.error(USAGE);
  return cmd === 'help' || cmd === '--help' ? 0 : 2;
}
