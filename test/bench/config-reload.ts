/**
 * What a hostile config reload costs the traffic of a running gateway: a steady stream of
 * chat requests (200/s, open loop, latency from when each was due) while the config is
 * swapped for a YAML alias bomb or a 50 MB file and reloaded every ~50 ms. Quiet and
 * hostile rounds alternate so drift hits both; a shared machine's p99 jumps now and then
 * in either kind of round (GC, other processes), so each round's p99 is printed, with the
 * median of them, and the event loop's longest delay per kind of round.
 * Run: BENCH_ONLY=config-reload npm run bench, or node --import tsx test/bench/config-reload.ts
 */
import { link, rename } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mockConfig, startTestGateway } from '../helpers/gateway.ts';
import { quantile, steadyStream } from '../helpers/steady-load.ts';
import { hostileConfigs } from '../helpers/hostile-configs.ts';
import { isMain } from './standalone.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUND_MS = 2000;

export async function bench(): Promise<void> {
  const gw = await startTestGateway(mockConfig());
  const files = await hostileConfigs(gw.dir);
  const body = JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'hello' }] });
  const stream = steadyStream(() => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 5);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(3000); // warm: JIT, pools

  const p99s = { quiet: [] as number[], hostile: [] as number[] };
  const p50s = { quiet: [] as number[], hostile: [] as number[] };
  const loopMax = { quiet: 0, hostile: 0 };
  const refusal: Record<'bomb' | 'huge', number[]> = { bomb: [], huge: [] };
  for (let round = 0; round < 2 * ROUNDS; round++) {
    const kind = round % 2 === 0 ? 'quiet' : 'hostile';
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const t = performance.now();
    while (performance.now() - t < ROUND_MS) {
      if (kind === 'quiet') {
        await sleep(50);
        continue;
      }
      for (const file of ['bomb', 'huge'] as const) {
        const tmp = path.join(gw.dir, `swap-${Date.now()}.yaml`);
        await link(files[file], tmp);
        await rename(tmp, gw.configPath);
        const started = performance.now();
        const r = await gw.runtime.reload();
        if (r.ok) throw new Error(`${file} was accepted`);
        refusal[file].push(performance.now() - started);
        await sleep(50);
      }
    }
    loop.disable();
    loopMax[kind] = Math.max(loopMax[kind], loop.max / 1e6);
    await sleep(300);
    const lat = stream.latencies(t, t + ROUND_MS);
    p99s[kind].push(quantile(lat, 0.99));
    p50s[kind].push(quantile(lat, 0.5));
  }
  await stream.stop();
  await gw.stop();

  const med = (xs: number[]) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  const list = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
  console.log(`steady 200 req/s to /v1/chat/completions (mock), ${ROUNDS} quiet and ${ROUNDS} hostile rounds of ${ROUND_MS / 1000} s, alternated:`);
  for (const kind of ['quiet', 'hostile'] as const) {
    console.log(
      `${kind.padEnd(8)} p50 median ${med(p50s[kind]).toFixed(2)} ms; p99 per round ${list(p99s[kind])} (median ${med(p99s[kind]).toFixed(1)} ms); longest event-loop delay ${loopMax[kind].toFixed(1)} ms`,
    );
  }
  for (const [file, ms] of Object.entries(refusal)) {
    const s = [...ms].sort((a, b) => a - b);
    console.log(
      `refusing ${file === 'bomb' ? 'the alias bomb' : 'the 50 MB file'}: ${s.length} times, median ${quantile(s, 0.5).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms`,
    );
  }
  if (stream.failures.length) console.log(`failed requests: ${stream.failures.length}`);
}

if (isMain(import.meta)) await bench();
