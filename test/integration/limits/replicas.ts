/** Starts N gateway child processes (replica.ts) sharing one config; stops them by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./replica.ts', import.meta.url));

export interface Replicas {
  urls: string[];
  stop(): Promise<void>;
}

export async function startReplicas(configPath: string, n: number): Promise<Replicas> {
  const children: ChildProcess[] = [];
  const urls = await Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      return new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout!.on('data', (d: Buffer) => {
          buf += d;
          const nl = buf.indexOf('\n');
          if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
        });
        child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
      });
    }),
  );
  return {
    urls,
    async stop() {
      await Promise.all(
        children.map(async (c) => {
          if (c.exitCode !== null) return;
          c.kill('SIGTERM');
          await once(c, 'exit');
        }),
      );
    },
  };
}

/** Run `total` calls with at most `concurrency` in flight; returns their results in order. */
export async function runMany<T>(total: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        out[i] = await call(i);
      }
    }),
  );
  return out;
}
