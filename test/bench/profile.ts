/**
 * Where the gateway's CPU goes: runs one scenario against a gateway started with
 * `--cpu-prof`, then prints the top self-time frames (and their share) from the profile.
 * Usage: node --import tsx test/bench/profile.ts [json-full|json-core|stream-core] [seconds]
 * The profile file stays in PROFILE_DIR (default: a temp directory) for Chrome DevTools.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gatewayNodeFlags, spawnWithUrl } from './processes.ts';
import { BENCH_KEY, CORE_PIPELINE, FULL_PIPELINE } from './pipelines.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { loadFixedRate } from './load.ts';
import { cpuMicros } from './cpu.ts';

const scenario = process.argv[2] ?? 'json-full';
const seconds = Number(process.argv[3] ?? 8);
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

const upstream = await startFakeOpenAI({ reply: 'The quick brown fox jumps over the lazy dog' });
upstream.requests.push = () => 0;
const stream = scenario.startsWith('stream');
if (stream) upstream.behave.repeat = 2;
const dir = process.env.PROFILE_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'gw-prof-')));
const config = path.join(dir, 'gateway.yaml');
await writeFile(
  config,
  `version: 1
stores: { state: { type: memory }, db: { type: memory } }
logging: { level: warn }
providers: { up: { type: openai, base_url: "${upstream.url}/v1", api_key: bench, connections: 128 } }
models: [ { name: bench-model, provider: up, model: bench-model } ]
${scenario.endsWith('full') ? FULL_PIPELINE : `pipeline: ${CORE_PIPELINE}`}
`,
);
const flags = gatewayNodeFlags();
const gw = await spawnWithUrl([...flags, '--cpu-prof', `--cpu-prof-dir=${dir}`, 'bin/llm-gateway.js', 'start', '--config', config], /listening on (http:\S+)/, {
  PORT: '0',
});
const headers = scenario.endsWith('full') ? { authorization: `Bearer ${BENCH_KEY}` } : undefined;
const rate = stream ? 200 : 500;
await loadFixedRate(gw.url, { rate, seconds: 3, stream, headers });
const before = cpuMicros(gw.child.pid!);
const s = await loadFixedRate(gw.url, { rate, seconds, stream, headers });
console.log(
  `${scenario}: ${s.total.length} requests, ${s.errors} errors, ${((cpuMicros(gw.child.pid!) - before) / s.total.length).toFixed(0)} µs CPU each (profiler on)`,
);
await new Promise<void>((r) => {
  gw.child.once('exit', () => r());
  gw.child.kill('SIGINT');
});
await upstream.close();

// The main thread's profile (worker threads, such as tsx's loader, write their own).
const file = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()[0]!;
const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number };
// Only the measured window: start-up (module loading, transpiling) and warm-up are not
// what a request costs. Sample timestamps are the running sum of timeDeltas.
const hits = new Map<number, number>();
{
  let t = profile.endTime;
  for (let i = profile.samples.length - 1; i >= 0 && t >= profile.endTime - (seconds + 0.5) * 1e6; i--) {
    hits.set(profile.samples[i]!, (hits.get(profile.samples[i]!) ?? 0) + 1);
    t -= profile.timeDeltas[i]!;
  }
}
const self = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  n.hitCount = hits.get(n.id) ?? 0;
  const { functionName, url, lineNumber } = n.callFrame;
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') continue;
  const short = url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  const where = short.startsWith('src/')
    ? short
    : short.includes('node_modules')
      ? 'node_modules/' + short.split('node_modules/').pop()!.split('/')[0]
      : short.startsWith('node:')
        ? short
        : short || functionName;
  byFile.set(where, (byFile.get(where) ?? 0) + n.hitCount);
  total += n.hitCount;
}
// Inclusive time of our own functions (src/): each sample counts once per function on its stack.
const parent = new Map<number, Node>();
const byId = new Map<number, Node>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n);
}
const inclusive = new Map<string, number>();
for (const [id, count] of hits) {
  const seen = new Set<string>();
  for (let n: Node | undefined = byId.get(id); n; n = parent.get(n.id)) {
    const { functionName, url, lineNumber } = n.callFrame;
    if (!url.includes('/src/')) continue;
    const key = `${functionName || '(anonymous)'} ${url.slice(url.indexOf('/src/') + 1)}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + count);
  }
}
const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
console.log(`\nTop self-time frames (of ${total} busy samples):\n${top(self, Number(process.env.TOP ?? 40))}`);
console.log(`\nInclusive, our code:\n${top(inclusive, Number(process.env.TOP ?? 40))}`);
console.log(`\nBy file:\n${top(byFile, 30)}`);
console.log(`\nprofile: ${path.join(dir, file)}`);
