/** Child gateway processes for the deploy tests: start, read the start-up line, stop. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

export interface GatewayProcess {
  child: ChildProcess;
  /** The URL of the start-up line (the address really bound). */
  url: string;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Spawns `command args` and resolves once it prints `listening on <url>`. Its output keeps
 * being read afterwards: a closed pipe would end the child with EPIPE.
 */
export function spawnGateway(command: string, args: string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<GatewayProcess> {
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start-up line within ${opts.timeoutMs ?? 20_000} ms:\n${out}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ child, url: m[1]!, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening:\n${out}`));
    });
  });
}

/** A URL on loopback for a start-up URL that may name 0.0.0.0 or [::]. */
export function loopbackUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}
