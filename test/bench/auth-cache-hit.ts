/**
 * The auth plugin's verified-key cache hit path, per request: `onRequest` for a database
 * key that is already cached (sha256 of the presented key, one Map lookup, the checks).
 * The database is never reached on this path; this measures that it stays that lean.
 *
 *   BENCH_ONLY=auth-cache-hit npm run bench    # prints CPU ns per request
 *   node --import tsx test/bench/auth-cache-hit.ts   # the same, alone
 *
 * CPU time (process.cpuUsage), not wall time, so other processes on a busy machine
 * disturb it less; the fastest round is the least disturbed one.
 */
import auth, { type AuthConfig } from '../../src/plugins-builtin/auth/index.ts';
import { fakeEnv, fakeCtx } from '../plugins/auth/fake.ts';
import { isMain } from './standalone.ts';

const N = Number(process.env.BENCH_N ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

export async function bench(): Promise<void> {
  const env = fakeEnv('memory');
  const config = { cache_ttl_ms: 60_000, cache_size: 10_000, static_only: false, stale_if_error_ms: 300_000 } as AuthConfig;
  const plugin = await auth.create(config, env);
  const { secret } = await env.db.createKey({ name: 'bench', permissions: { models: ['*'] } });
  const ctx = fakeCtx({ key: secret });
  await plugin.onRequest!(ctx); // fills the cache

  const results: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await plugin.onRequest!(ctx);
    const used = process.cpuUsage(t0);
    results.push(((used.user + used.system) * 1000) / N);
  }
  results.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(0);
  console.log(`auth cache hit: min ${f(results[0]!)} ns, median ${f(results[Math.floor(ROUNDS / 2)]!)} ns CPU per request (${ROUNDS} rounds of ${N})`);
  await plugin.close?.();
  await env.db.close();
}

if (isMain(import.meta)) await bench();
