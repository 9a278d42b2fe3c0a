/**
 * `llm-gateway start [--config F]`, `llm-gateway validate [F]` and
 * `llm-gateway plugin new <name> [--dir D]`.
 * The config file is `--config`, else GATEWAY_CONFIG, else ./gateway.yaml.
 */
import path from 'node:path';
import { runValidate } from './config/index.ts';
import { providerIssues } from './provider-checks.ts';
import { startGateway } from './server/gateway.ts';
import { scaffoldPlugin, ScaffoldRefusal } from '../plugin/scaffold.ts';

const USAGE = `usage:
  llm-gateway start [--config gateway.yaml]   start the gateway (PORT overrides server.port)
  llm-gateway validate [gateway.yaml]         check a config file; exit 0 if valid, 1 if not
  llm-gateway plugin new <name> [--dir .]     scaffold plugins/<name>/ (index.ts, schema.json, a test, README.md)`;

function configArg(args: string[]): string {
  const i = args.findIndex((a) => a === '--config' || a === '-c');
  if (i !== -1 && args[i + 1]) return args[i + 1]!;
  const eq = args.find((a) => a.startsWith('--config='));
  if (eq) return eq.slice('--config='.length);
  return process.env.GATEWAY_CONFIG ?? 'gateway.yaml';
}

/** `plugin new <name> [--dir D]`: 0 written, 1 refused (bad name, folder exists), 2 usage. */
async function pluginCommand(args: string[]): Promise<number> {
  const [sub, name, ...rest] = args;
  const dirAt = rest.indexOf('--dir');
  const dir = dirAt === -1 ? '.' : rest[dirAt + 1];
  if (sub !== 'new' || !name || name.startsWith('-') || dir === undefined) {
    console.error(USAGE);
    return 2;
  }
  try {
    const made = await scaffoldPlugin(name, dir);
    console.log(`created ${made.files.join(', ')}`);
    console.log(`next: add "- use: ./plugins/${name}" to gateway.yaml's pipeline (above provider), and run its test`);
    return 0;
  } catch (err) {
    if (!(err instanceof ScaffoldRefusal)) throw err;
    console.error(`llm-gateway plugin new: ${err.message}`);
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (cmd === 'plugin') return pluginCommand(args);
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
    // The address really bound: 0.0.0.0 means every interface, and saying 127.0.0.1 would hide it.
    console.log(`llm-gateway listening on ${gw.boundUrl} (config generation ${gw.runtime.current?.id})`);
    // SIGTERM (Kubernetes, docker stop, a rolling update) drains first, so load balancers
    // notice before the listener closes; Ctrl-C (SIGINT) skips the delay. Either way
    // in-flight requests finish, and a second signal is not caught: it ends the process.
    const stop = (signal: string, shutdown: () => Promise<void>) => {
      gw.logger.info({ signal }, 'shutting down');
      void shutdown().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM', gw.drain));
    process.once('SIGINT', () => stop('SIGINT', () => gw.close()));
    return new Promise<number>(() => {
      /* runs until a signal */
    });
  }
  console.error(USAGE);
  return cmd === 'help' || cmd === '--help' ? 0 : 2;
}
