/**
 * CPU time the gateway process spends per request on the Responses API, with and without
 * `store`, beside chat completions on the same gateway (core pipeline, closed loop, a fixed
 * number of requests per run). The `cpu` scenario (cpu.ts) covers chat completions against
 * the bare proxy; this one is the only figure for /v1/responses, whose translation and
 * store are the gateway's own work. CPU per request holds up on a busy machine where
 * requests/s and latency do not, so it is the figure to compare two versions by.
 * Run: BENCH_ONLY=responses-cpu npm run bench (N requests per run, default 20000; RUNS,
 * default 3), or node --import tsx test/bench/responses-cpu.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuMicros } from './cpu.ts';
import { startGatewayProcess } from './processes.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { isMain } from './standalone.ts';

const N = Number(process.env.N ?? 20_000);
const RUNS = Number(process.env.RUNS ?? 3);

const SCENARIOS: Array<[string, string, string]> = [
  ['chat completions', '/v1/chat/completions', JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say something short.' }] })],
  ['responses, store: false', '/v1/responses', JSON.stringify({ model: 'bench-model', input: 'Say something short.', store: false })],
  ['responses, store: true', '/v1/responses', JSON.stringify({ model: 'bench-model', input: 'Say something short.' })],
];

export async function bench(): Promise<void> {
  const upstream = await startFakeOpenAI({ reply: 'The quick brown fox jumps over the lazy dog' });
  upstream.requests.push = () => 0; // the recorder is for tests: keep memory flat
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-'));
  const config = path.join(dir, 'gateway.yaml');
  await writeFile(
    config,
    `version: 1
stores: { state: { type: memory }, db: { type: memory } }
logging: { level: warn }
providers: { up: { type: openai, base_url: "${upstream.url}/v1", api_key: bench, connections: 128 } }
models: [ { name: bench-model, provider: up, model: bench-model } ]
pipeline: [ { use: metrics }, { use: validation }, { use: provider } ]
`,
  );
  try {
    const gw = await startGatewayProcess(config);
    try {
      const run = async (route: string, body: string): Promise<string> => {
        const before = cpuMicros(gw.child.pid!);
        const r = await autocannon({
          url: `${gw.url}${route}`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          connections: 20,
          amount: N,
        });
        const perRequest = (cpuMicros(gw.child.pid!) - before) / r.requests.total;
        return `${Math.round(perRequest)} µs${r.non2xx + r.errors ? ` (${r.non2xx + r.errors} failed)` : ''}`;
      };
      await run(SCENARIOS[0]![1], SCENARIOS[0]![2]); // warm-up
      console.log(`# gateway CPU per request (core pipeline, ${N} requests per run)`);
      for (const [name, route, body] of SCENARIOS) {
        const runs: string[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await run(route, body));
        console.log(`| ${name} | ${runs.join(' | ')} |`);
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta)) await bench();
