/** Starts N gateway child processes (replica.ts) sharing one config; stops them by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const script = fileURLToPath(new URL('./replica.ts', import.meta.url));

export interface Replicas { urls: string[]; stop(): Promise<void> }

export async function startReplicas(configPath: string, n: number): Promise<Replicas> {
  const children: ChildProcess[] = [];
  const urls = await Promise.all(Array.from({ length: n }, () => {
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
  }));
  return {
    urls,
    async stop() {
      await Promise.all(children.map(async (c) => {
        if (c.exitCode !== null) return;
        c.kill('SIGTERM');
        await once(c, 'exit');
      }));
    },
  };
}

/** Delete every Redis key under `prefix`. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await r.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  r.disconnect();
}

/** Run `total` calls with at most `concurrency` in flight; returns their results in order. */
export async function runMany<T>(total: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      out[i] = await call(i);
    }
  }));
  return out;
}
