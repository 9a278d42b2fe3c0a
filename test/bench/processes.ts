/** Spawning the benchmark's processes (upstream, gateway) and reading their URLs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The node flags `npm start` passes (read from package.json's start script, so the
 * benchmark cannot drift from what users run), e.g. the young generation's size.
 */
export const START_FLAGS: readonly string[] = (() => {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((w) => w.startsWith('--'));
})();

/** START_FLAGS plus GW_NODE_FLAGS, for experiments. */
export function gatewayNodeFlags(): string[] {
  return [...START_FLAGS, ...(process.env.GW_NODE_FLAGS ? process.env.GW_NODE_FLAGS.split(' ') : [])];
}

export interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnWithUrl(args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += chunk;
    const m = pattern.exec(out);
    if (m) {
      child.stdout!.resume();
      return {
        url: m[1]!,
        child,
        stop: () =>
          new Promise((r) => {
            child.once('exit', () => r());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      };
    }
  }
  throw new Error(`process did not start: ${args.join(' ')}\n${out}`);
}

export function startUpstream(env: Record<string, string> = {}): Promise<Proc> {
  return spawnWithUrl(['--import', 'tsx', 'test/bench/upstream.ts'], /UPSTREAM (http:\S+)/, env);
}

/** The gateway as `npm start` runs it (same node flags), plus GW_NODE_FLAGS for experiments. */
export function startGatewayProcess(configPath: string): Promise<Proc> {
  return spawnWithUrl([...gatewayNodeFlags(), 'bin/llm-gateway.js', 'start', '--config', configPath], /listening on (http:\S+)/, { PORT: '0' });
}

/** The bare pass-through proxy (the floor any Node proxy costs), in front of `upstream`. */
export function startBareProxy(upstream: string): Promise<Proc> {
  return spawnWithUrl([...START_FLAGS, '--import', 'tsx', 'test/bench/bare-proxy.ts'], /listening on (http:\S+)/, { UPSTREAM: upstream });
}
