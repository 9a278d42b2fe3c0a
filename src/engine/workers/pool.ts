/**
 * The worker pool for heavy work (token counting of long prompts, embeddings, similarity
 * search, routing scores), so the event loop stays free for traffic. Tasks are named
 * modules under ./tasks; `run('name', payload)` runs one in a worker. A round trip costs
 * ~45–80 µs here, so callers keep small jobs inline (see each task's threshold).
 */
import { Piscina } from 'piscina';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { FROM_SOURCES, siblingModule } from '../run-mode.ts';

export interface WorkerPool {
  run<T>(task: string, payload: unknown): Promise<T>;
  close(): Promise<void>;
}

const workerFile = fileURLToPath(siblingModule(import.meta.url, 'worker'));
const workerExecArgv = FROM_SOURCES ? ['--import', 'tsx'] : [];

export function createWorkerPool(opts: { maxThreads?: number } = {}): WorkerPool {
  let pool: Piscina | undefined;
  // Created on first use: a gateway whose pipeline never needs a worker starts none.
  const get = (): Piscina =>
    (pool ??= new Piscina({
      filename: workerFile,
      maxThreads: opts.maxThreads ?? Math.max(1, Math.min(4, os.availableParallelism() - 1)),
      idleTimeout: 60_000,
      execArgv: workerExecArgv,
    }));
  return {
    run: <T>(task: string, payload: unknown) => get().run({ task, payload }) as Promise<T>,
    async close() {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
