/**
 * What a call through `env.pool` costs, for docs/plugins.md's "Workers" section: the
 * round trip of the built-in `echo` task (no work at all) through the engine's worker pool,
 * one call at a time and 64 at once, after a warm-up.
 * Run: BENCH_ONLY=pool-roundtrip npm run bench, or node --import tsx test/bench/pool-roundtrip.ts
 */
import { createWorkerPool } from '../../src/engine/workers/pool.ts';
import { isMain } from './standalone.ts';

export async function bench(): Promise<void> {
  const pool = createWorkerPool();
  try {
    const payload = { text: 'x'.repeat(200) };
    for (let i = 0; i < 500; i++) await pool.run('echo', payload);

    const sequential: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await pool.run('echo', payload);
      sequential.push((performance.now() - t0) * 1000);
    }
    sequential.sort((a, b) => a - b);
    const at = (q: number) => sequential[Math.floor(q * (sequential.length - 1))]!.toFixed(0);

    const n = 20_000;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next++ < n) await pool.run('echo', payload);
      }),
    );
    const perCall = ((performance.now() - t0) * 1000) / n;
    console.log(`one at a time: p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs per round trip`);
    console.log(`64 in flight: ${perCall.toFixed(1)} µs of wall time per call (${Math.round(1e6 / perCall)} calls/s)`);
  } finally {
    await pool.close();
  }
}

if (isMain(import.meta)) await bench();
