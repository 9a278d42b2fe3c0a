/**
 * CPU time the gateway process spends per request (utime + stime from /proc, over a fixed
 * number of requests), for chat completions and the Responses API with and without
 * `store`. CPU per request holds up on a busy machine where requests/s and latency do
 * not, so it is the figure to compare two versions by (run it in each checkout).
 *
 *   node --import tsx test/bench/cpu-per-request.ts          # N=20000 requests per run, 3 runs
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startGatewayProcess } from './processes.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';

const N = Number(process.env.N ?? 20_000);
const RUNS = Number(process.env.RUNS ?? 3);
const TICK_MS = 10; // USER_HZ = 100 on Linux

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
const gw = await startGatewayProcess(config);

async function cpuMs(): Promise<number> {
  const fields = (await readFile(`/proc/${gw.child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function run(route: string, body: string): Promise<string> {
  const before = await cpuMs();
  const r = await autocannon({ url: `${gw.url}${route}`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 20, amount: N });
  const perRequest = (((await cpuMs()) - before) * 1000) / r.requests.total;
  return `${Math.round(perRequest)} µs${r.non2xx + r.errors ? ` (${r.non2xx + r.errors} failed)` : ''}`;
}

const SCENARIOS: Array<[string, string, string]> = [
  ['chat completions', '/v1/chat/completions', JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say something short.' }] })],
  ['responses, store: false', '/v1/responses', JSON.stringify({ model: 'bench-model', input: 'Say something short.', store: false })],
  ['responses, store: true', '/v1/responses', JSON.stringify({ model: 'bench-model', input: 'Say something short.' })],
];

try {
  await run(SCENARIOS[0]![1], SCENARIOS[0]![2]); // warm-up
  console.log(`# gateway CPU per request (core pipeline, ${N} requests per run)`);
  for (const [name, route, body] of SCENARIOS) {
    const runs: string[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(route, body));
    console.log(`| ${name} | ${runs.join(' | ')} |`);
  }
} finally {
  await gw.stop();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
}
