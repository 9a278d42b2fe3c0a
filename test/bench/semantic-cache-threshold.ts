/**
 * Measures where the semantic cache's embedding and similarity search cost more
 * event-loop time inline than a worker round trip, to set INLINE_MAX_CHARS and
 * INLINE_MAX_WORK in src/plugins-builtin/semantic-cache/search.ts.
 * Run: BENCH_ONLY=semantic-cache-threshold npm run bench, or node --import tsx test/bench/semantic-cache-threshold.ts
 */
import { performance } from 'node:perf_hooks';
import { embedderFor } from '../../src/engine/embedding/embedder.ts';
import { createWorkerPool } from '../../src/engine/workers/pool.ts';
import { ScopeIndex } from '../../src/plugins-builtin/semantic-cache/scope-index.ts';
import { isMain } from './standalone.ts';

const DIMS = 256;
const N = 300;
const words = 'how do I cache the answer of a language model for a paraphrased question with seven words '.split(' ');
const text = (chars: number, salt: number): string => {
  let s = `${salt} `;
  for (let i = salt; s.length < chars; i++) s += words[i % words.length] + ' ';
  return s.slice(0, chars);
};
const micros = (fn: (i: number) => unknown): number => {
  const t = performance.now();
  for (let i = 0; i < N; i++) fn(i);
  return ((performance.now() - t) / N) * 1000;
};
/** Wall time per call, and the event-loop time it took (active time from eventLoopUtilization). */
async function microsAsync(fn: (i: number) => Promise<unknown>): Promise<string> {
  const elu = performance.eventLoopUtilization();
  const t = performance.now();
  for (let i = 0; i < N; i++) await fn(i);
  const wall = ((performance.now() - t) / N) * 1000;
  const busy = (performance.eventLoopUtilization(elu).active / N) * 1000;
  return `${wall.toFixed(1)} µs wall, ${busy.toFixed(1)} µs of event loop`;
}

export async function bench(): Promise<void> {
  const pool = createWorkerPool({ maxThreads: 1 });
  const e = embedderFor('hashed-ngram', DIMS);
  try {
    for (let i = 0; i < 500; i++) e.embed(text(2000, i)); // warm up
    await pool.run('cache-nearest', { embedder: 'hashed-ngram', dims: DIMS, text: 'warm', rows: [] });
    console.log(`worker round trip (echo): ${await microsAsync((i) => pool.run('echo', i))}`);

    console.log('\nembedding inline (hashed-ngram, 256 dims):');
    for (const chars of [100, 500, 1000, 2000, 4000, 8000, 16000]) {
      console.log(`${String(chars).padStart(6)} chars: ${micros((i) => e.embed(text(chars, i))).toFixed(1)} µs`);
    }

    console.log('\nsearch, rows × 256 dims: inline vs worker (matrix shared through a SharedArrayBuffer):');
    for (const rows of [16, 64, 128, 256, 512, 1000, 4000]) {
      const idx = new ScopeIndex(DIMS);
      for (let i = 0; i < rows; i++) idx.add(`k${i}`, e.embed(text(200, i)), rows);
      const q = e.embed(text(200, 99_999));
      const inline = micros(() => idx.nearest(q));
      const worker = await microsAsync(() =>
        pool.run('cache-nearest', { embedder: 'hashed-ngram', dims: DIMS, query: q, matrix: idx.matrix, count: idx.size }),
      );
      console.log(`${String(rows).padStart(6)} rows: inline ${inline.toFixed(1)} µs, worker trip ${worker}`);
    }
  } finally {
    await pool.close();
  }
}

if (isMain(import.meta)) await bench();
