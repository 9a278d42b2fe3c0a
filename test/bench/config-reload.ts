/**
 * What a hostile config reload costs the traffic of a running gateway: a steady stream of
 * chat requests (200/s, open loop) while the config is swapped for a YAML alias bomb or a
 * 50 MB file and reloaded, every ~50 ms, in rounds alternated with quiet rounds so machine
 * drift hits both. Prints p50/p99 per kind of round and how long each refusal took.
 * Run: node --import tsx test/bench/config-reload.ts
 */
import { link, rename } from 'node:fs/promises';
import path from 'node:path';
import { mockConfig, startTestGateway } from '../helpers/gateway.ts';
import { quantile, steadyStream } from '../helpers/steady-load.ts';
import { hostileConfigs } from '../helpers/hostile-configs.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROUND_MS = 2000;

const gw = await startTestGateway(mockConfig());
const files = await hostileConfigs(gw.dir);
const body = JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'hello' }] });
const stream = steadyStream(() => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(1000);

const quiet: number[] = [];
const hostile: number[] = [];
const refusal: Record<string, number[]> = { bomb: [], huge: [] };
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  await sleep(ROUND_MS);
  quiet.push(...stream.latencies(t, performance.now()));
  t = performance.now();
  while (performance.now() - t < ROUND_MS) {
    for (const kind of ['bomb', 'huge'] as const) {
      const tmp = path.join(gw.dir, `swap-${Date.now()}.yaml`);
      await link(files[kind], tmp);
      await rename(tmp, gw.configPath);
      const started = performance.now();
      const r = await gw.runtime.reload();
      if (r.ok) throw new Error(`${kind} was accepted`);
      refusal[kind]!.push(performance.now() - started);
      await sleep(50);
    }
  }
  await sleep(300);
  hostile.push(...stream.latencies(t, t + ROUND_MS));
}
await stream.stop();
await gw.stop();

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const row = (label: string, xs: number[]) => {
  const s = sorted(xs);
  console.log(
    `${label.padEnd(34)} n=${String(s.length).padStart(5)}  p50 ${quantile(s, 0.5).toFixed(2).padStart(6)} ms  p99 ${quantile(s, 0.99).toFixed(2).padStart(7)} ms`,
  );
};
console.log(`steady 200 req/s to /v1/chat/completions (mock), ${ROUNDS} quiet and ${ROUNDS} hostile rounds of ${ROUND_MS / 1000} s, alternated:`);
row('quiet rounds', quiet);
row('rounds with hostile reloads', hostile);
for (const [kind, ms] of Object.entries(refusal)) {
  const s = sorted(ms);
  console.log(
    `refusing ${kind === 'bomb' ? 'the alias bomb' : 'the 50 MB file'}: ${s.length} times, median ${quantile(s, 0.5).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms`,
  );
}
if (stream.failures.length) console.log(`failed requests: ${stream.failures.length}`);
