/**
 * `npm run bench`: the gateway against a direct call to the same upstream, measured side
 * by side in one run. The gateway runs in its own process; the upstream (OpenAI wire
 * format) shares this process with the load generator, so that on a 2-core machine the
 * gateway run has two busy processes, not three (a third would be measured as scheduler
 * waits, not as gateway cost). The upstream costs both runs the same. Prints requests/s and p50/p99 latency for
 * closed-loop throughput, a fixed 500 requests/s, and streams' time to first byte, with
 * the gateway/direct ratios. Set BENCH_SECONDS to lengthen each phase (default 8).
 */
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startGatewayProcess, ROOT } from './processes.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { loadChat, loadFixedRate } from './load.ts';
import { spawnSync } from 'node:child_process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PIPELINE = process.env.BENCH_PIPELINE ?? '[ { use: metrics }, { use: validation }, { use: provider } ]';

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

async function main(): Promise<void> {
  const upstream = await startFakeOpenAI({ reply: 'The quick brown fox jumps over the lazy dog' });
  upstream.requests.push = () => 0; // the recorder is for tests: keep memory flat
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-'));
  const config = path.join(dir, 'gateway.yaml');
  await writeFile(config, `version: 1
stores: { state: { type: memory }, db: { type: memory } }
logging: { level: warn }
providers: { up: { type: openai, base_url: "${upstream.url}/v1", api_key: bench, connections: 128 } }
models: [ { name: bench-model, provider: up, model: bench-model } ]
pipeline: ${PIPELINE}
`);
  const gateway = await startGatewayProcess(config);
  const direct = upstream.url;
  const via = gateway.url;
  try {
    console.log(`# llm-gateway benchmark — ${os.cpus().length} cores, ${SECONDS}s per phase, pipeline ${PIPELINE}`);
    // Warm both paths (JIT, keep-alive pools).
    await loadChat(direct, { seconds: 2, connections: 16 });
    await loadChat(via, { seconds: 2, connections: 16 });

    const cd = await loadChat(direct, { seconds: SECONDS, connections: 50 });
    const cg = await loadChat(via, { seconds: SECONDS, connections: 50 });
    const rd = await loadFixedRate(direct, { seconds: SECONDS, rate: 500, stream: false });
    const rg = await loadFixedRate(via, { seconds: SECONDS, rate: 500, stream: false });
    const sd = await loadFixedRate(direct, { seconds: SECONDS, rate: 200, stream: true });
    const sg = await loadFixedRate(via, { seconds: SECONDS, rate: 200, stream: true });

    console.log('\n| scenario | direct | via gateway | gateway/direct |');
    console.log('|---|---|---|---|');
    console.log(`| closed loop, 50 conns: requests/s | ${f(cd.rps, 0)} | ${f(cg.rps, 0)} | ${f(cg.rps / cd.rps)} |`);
    console.log(`| closed loop: p50 / p99 ms | ${cd.p50} / ${cd.p99} | ${cg.p50} / ${cg.p99} | ${f(cg.p99 / cd.p99)} (p99) |`);
    console.log(`| fixed 500 req/s: p50 / p99 ms | ${f(rd.p50Total)} / ${f(rd.p99Total)} | ${f(rg.p50Total)} / ${f(rg.p99Total)} | +${f(rg.p99Total - rd.p99Total)} ms (p99) |`);
    console.log(`| stream 200/s: TTFB p50 / p99 ms | ${f(sd.p50Ttfb)} / ${f(sd.p99Ttfb)} | ${f(sg.p50Ttfb)} / ${f(sg.p99Ttfb)} | +${f(sg.p99Ttfb - sd.p99Ttfb)} ms (p99) |`);
    console.log(`| stream 200/s: total p50 / p99 ms | ${f(sd.p50Total)} / ${f(sd.p99Total)} | ${f(sg.p50Total)} / ${f(sg.p99Total)} | ${f(sg.p99Total / sd.p99Total)} |`);
    const errs = cd.errors + cg.errors + rd.errors + rg.errors + sd.errors + sg.errors + cd.non2xx + cg.non2xx;
    console.log(`\nerrors/non-2xx: ${errs}`);
    const added = rg.p99Total - rd.p99Total;
    console.log(`target: p99 at 500 req/s within 2 ms of direct — ${added <= 2 ? 'MET' : 'NOT MET'} (+${f(added)} ms)`);
  } finally {
    await gateway.stop();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
  // The routing benchmark (hedging against a slow tail), when present.
  if (process.env.BENCH_SKIP_HEDGING !== '1') {
    const hedging = path.join(ROOT, 'test/bench/hedging.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', hedging], { cwd: ROOT, stdio: 'inherit' });
    if (r.error) console.log(`(hedging benchmark not run: ${r.error.message})`);
  }
}

await main();
