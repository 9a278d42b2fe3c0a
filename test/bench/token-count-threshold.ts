/**
 * Measures where counting tokens in the worker pool beats counting inline (event-loop
 * time), to set INLINE_MAX_CHARS in src/engine/tokens/count.ts.
 * Run: BENCH_ONLY=token-count-threshold npm run bench, or node --import tsx test/bench/token-count-threshold.ts
 */
import { countMessagesSync } from '../../src/engine/tokens/count.ts';
import { createWorkerPool } from '../../src/engine/workers/pool.ts';
import { isMain } from './standalone.ts';

const words = 'route the request to the cheapest healthy deployment please, with 42 retries and jitter '.split(' ');
function prompt(chars: number, salt: number): { role: string; content: string }[] {
  let s = `${salt} `;
  let i = salt;
  while (s.length < chars) s += words[i++ % words.length] + (i % 7 === 0 ? '. ' : ' ');
  return [{ role: 'user', content: s.slice(0, chars) }];
}

export async function bench(): Promise<void> {
  const pool = createWorkerPool({ maxThreads: 1 });
  try {
    for (let i = 0; i < 200; i++) countMessagesSync(prompt(2000, i), 'o200k_base'); // warm up
    await pool.run('count-tokens', { messages: prompt(10, 0), families: ['o200k_base'] });
    const N = 200;
    let t = performance.now();
    for (let i = 0; i < N; i++) await pool.run('echo', i);
    const trip = ((performance.now() - t) / N) * 1000;
    console.log(`worker round trip (echo): ${trip.toFixed(1)} µs`);
    for (const chars of [200, 500, 1000, 1500, 2000, 4000, 16000]) {
      t = performance.now();
      for (let i = 0; i < N; i++) countMessagesSync(prompt(chars, i + 1000), 'o200k_base');
      const inline = ((performance.now() - t) / N) * 1000;
      console.log(`${String(chars).padStart(6)} chars: inline ${inline.toFixed(1)} µs`);
    }
  } finally {
    await pool.close();
  }
}

if (isMain(import.meta)) await bench();
