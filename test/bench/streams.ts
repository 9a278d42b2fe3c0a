/**
 * Many open streams (issue #12): STREAMS (default 2,000) concurrent streamed requests
 * through the core pipeline (metrics, validation, provider) against a slow upstream that
 * sends its first event at once and then holds each stream open for HOLD_S seconds
 * (default 12), opened at OPEN_PER_S per second (default 500). Checks, per pool setting:
 * - every stream gets its first event (an HTTP/1.1 stream holds its upstream connection
 *   for the whole answer, so a pool capped at N serves only N of them);
 * - the gateway's peak RSS (target ≤ 250 MB);
 * - a plain (non-streamed) request sent while all streams are open is answered promptly
 *   (target ≤ 250 ms).
 * Runs the default pool (no cap) and, for comparison (unless STREAMS_COMPARE=0), the old
 * default cap of 64.
 * Run: node --import tsx test/bench/streams.ts
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { startGatewayProcess } from './processes.ts';
import { percentile } from './load.ts';

const STREAMS = Number(process.env.STREAMS ?? 2000);
const HOLD_S = Number(process.env.HOLD_S ?? 12);
/** Streams are opened at this rate (clients arrive; they do not all connect in the same millisecond). */
const OPEN_PER_S = Number(process.env.OPEN_PER_S ?? 500);
/** After the last stream is opened, how long the first events may still take. */
const FIRST_EVENT_WAIT_MS = 5_000;
const PLAIN_REQUESTS = 20;
const CORE = '[ { use: metrics }, { use: validation }, { use: provider } ]';

/**
 * The slow upstream (OpenAI wire format): a stream's first event at once, then one
 * content event every HOLD_S/4 s, then finish, usage and [DONE]; plain requests answered
 * at once. Its listen backlog is large, so a burst of connections from the gateway is
 * accepted rather than dropped (that would measure the kernel's SYN retries, not the gateway).
 */
async function slowUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const base = { id: 'chatcmpl-slow', object: 'chat.completion.chunk', created: 1, model: 'bench-model' };
  const event = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const usage = { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 };
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const stream = body.includes('"stream":true');
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'fast answer' }, finish_reason: 'stop', logprobs: null }],
          usage,
        }),
      );
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(event({ role: 'assistant', content: '' }));
    for (let i = 0; i < 4 && !res.destroyed; i++) {
      await new Promise((r) => setTimeout(r, (HOLD_S * 1000) / 4));
      res.write(event({ content: 'word ' }));
    }
    res.end(event({}, 'stop') + `data: ${JSON.stringify({ ...base, choices: [], usage })}\n\ndata: [DONE]\n\n`);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const chat = (stream: boolean) => JSON.stringify({ model: 'bench-model', stream, messages: [{ role: 'user', content: 'Say something short.' }] });

/** User + system CPU seconds the process has used (Linux /proc). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface Result {
  label: string;
  firstEvents: number;
  /** Gateway CPU from the first stream opened until every first event (or the deadline). */
  openCpuMs: number;
  ttfe: number[];
  peakRssMb: number;
  idleRssMb: number;
  /** V8 heap in use while every stream is open. */
  heapMb: number;
  plainMs: number[];
  plainErrors: number;
  poolWait: string;
}

async function scenario(label: string, upstreamUrl: string, connections: string): Promise<Result> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-bench-streams-'));
  const config = path.join(dir, 'gateway.yaml');
  await writeFile(
    config,
    `version: 1
stores: { state: { type: memory }, db: { type: memory } }
logging: { level: warn }
providers: { up: { type: openai, base_url: "${upstreamUrl}/v1", api_key: bench${connections} } }
models: [ { name: bench-model, provider: up, model: bench-model, timeouts: { first_byte_ms: 60000, idle_ms: 60000, total_ms: 120000 } } ]
pipeline: ${CORE}
`,
  );
  const gw = await startGatewayProcess(config);
  const pid = gw.child.pid!;
  const clients = new Pool(gw.url, { connections: STREAMS + 10, pipelining: 1 });
  const plainClient = new Pool(gw.url, { connections: 4, pipelining: 1 });
  const headers = { 'content-type': 'application/json' };
  try {
    // Warm the gateway (JIT, first upstream connection) before measuring.
    for (let i = 0; i < 20; i++) await (await plainClient.request({ path: '/v1/chat/completions', method: 'POST', headers, body: chat(false) })).body.text();
    const idleRssMb = await rssMb(pid);
    const cpu0 = await cpuSeconds(pid);
    let peakRssMb = idleRssMb;
    const sampler = setInterval(
      () =>
        void rssMb(pid).then(
          (r) => (peakRssMb = Math.max(peakRssMb, r)),
          () => undefined,
        ),
      100,
    );
    const ttfe: number[] = [];
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    const t0 = performance.now();
    const streams = Array.from({ length: STREAMS }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / OPEN_PER_S));
      const started = performance.now();
      try {
        const res = await clients.request({ path: '/v1/chat/completions', method: 'POST', headers, body: chat(true), signal: ac.signal });
        let first = true;
        for await (const _ of res.body)
          if (first) {
            ttfe.push(performance.now() - started);
            first = false;
          }
      } catch {
        // aborted at the end of the scenario, or failed: counted by the missing first event
      }
    });
    // Wait until every stream has its first event, or the deadline.
    const deadline = t0 + (STREAMS * 1000) / OPEN_PER_S + FIRST_EVENT_WAIT_MS;
    while (ttfe.length < STREAMS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const firstEvents = ttfe.length;
    const openCpuMs = ((await cpuSeconds(pid)) - cpu0) * 1000;
    const ttfeSnapshot = ttfe.slice().sort((a, b) => a - b);
    // With every stream open, plain requests must still be answered at once.
    const plainMs: number[] = [];
    let plainErrors = 0;
    for (let i = 0; i < PLAIN_REQUESTS; i++) {
      const s = performance.now();
      try {
        const r = await plainClient.request({ path: '/v1/chat/completions', method: 'POST', headers, body: chat(false), headersTimeout: 3_000 });
        await r.body.text();
        if (r.statusCode !== 200) plainErrors++;
      } catch {
        plainErrors++;
      }
      plainMs.push(performance.now() - s);
    }
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    const count = /gateway_upstream_pool_wait_seconds_count\{provider="up"\} (\d+)/.exec(metrics)?.[1] ?? '0';
    const sum = Number(/gateway_upstream_pool_wait_seconds_sum\{provider="up"\} ([\d.e+-]+)/.exec(metrics)?.[1] ?? 0);
    const heapMb = Number(/^gateway_process_nodejs_heap_size_used_bytes ([\d.e+]+)/m.exec(metrics)?.[1] ?? NaN) / 2 ** 20;
    clearInterval(sampler);
    peakRssMb = Math.max(peakRssMb, await rssMb(pid));
    ac.abort();
    await Promise.all(streams);
    return {
      label,
      firstEvents,
      openCpuMs,
      heapMb,
      ttfe: ttfeSnapshot,
      peakRssMb,
      idleRssMb,
      plainMs: plainMs.sort((a, b) => a - b),
      plainErrors,
      poolWait: `${count} waits, ${sum.toFixed(1)} s in all`,
    };
  } finally {
    await clients.destroy();
    await plainClient.close();
    await gw.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

async function main(): Promise<void> {
  const upstream = await slowUpstream();
  const results: Result[] = [];
  try {
    console.log(`# open streams — ${STREAMS} concurrent streams (opened at ${OPEN_PER_S}/s) held ${HOLD_S} s, core pipeline, ${os.cpus().length} cores`);
    results.push(await scenario('default pool (no cap)', upstream.url, ''));
    if (process.env.STREAMS_COMPARE !== '0') results.push(await scenario('pool capped at 64 (old default)', upstream.url, ', connections: 64'));
  } finally {
    await upstream.close();
  }
  console.log(
    '\n| pool | streams with a first event | time to first event p50 / p99 / max ms | gateway CPU per stream requested | gateway RSS idle → peak MB (heap used while open) | plain request while open: p50 / max ms | pool waits |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const t = r.ttfe;
    console.log(
      `| ${r.label} | ${r.firstEvents} / ${STREAMS} | ${f(percentile(t, 0.5))} / ${f(percentile(t, 0.99))} / ${f(t.at(-1) ?? NaN)} | ${f((r.openCpuMs * 1000) / STREAMS)} µs | ${f(r.idleRssMb)} → ${f(r.peakRssMb)} (${f(r.heapMb)}) | ${f(percentile(r.plainMs, 0.5), 1)} / ${f(r.plainMs.at(-1) ?? NaN, 1)}${r.plainErrors ? ` (${r.plainErrors} failed)` : ''} | ${r.poolWait} |`,
    );
  }
  const d = results[0]!;
  const met = d.firstEvents === STREAMS && d.peakRssMb <= 250 && (d.plainMs.at(-1) ?? Infinity) <= 250 && d.plainErrors === 0;
  console.log(`\ntarget (issue #12): every stream gets its first event, RSS ≤ 250 MB, a plain request ≤ 250 ms — ${met ? 'MET' : 'NOT MET'}`);
}

await main();
