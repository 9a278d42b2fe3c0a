/**
 * Property-based fuzzing of every public endpoint (#9.11): the LLM endpoints (streamed
 * and not), models, stored responses, health, metrics, the admin API with and without its
 * key, proxy routes, and hostile paths, methods, headers, content types and bytes
 * (fuzz-requests.ts). Two real gateways: one with the full pipeline (auth, validation,
 * content-filter, semantic-cache, transform, rate-limit, budget, router, audit, the mock
 * provider), one without `validation` (no plugin may rely on it) and without an admin key.
 *
 * For every request: no 5xx (nothing here scripts an upstream failure, so none is
 * excused), no `internal_error` in the answer, no hang (a client-side timeout per
 * request, hangs counted), no dropped connection on a request a client library would
 * send, and no error logged (level ≥ 50: a plugin failure or an unhandled error). After
 * the run the gateway still answers /healthz and a plain chat request.
 *
 * Requests go 16 at a time over keep-alive connections: each fast-check run is a batch
 * of 16. The seed is fixed so CI runs the same requests every time (the second gateway
 * gets seed + 1); FUZZ_SEED picks another, FUZZ_RUNS the number of requests (default
 * 10,240, over both gateways). A failure prints the seed and the shrunk batch's failing
 * requests. FUZZ_PROFILE=1 prints the time spent per kind of request.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { anyRequest, describeRequest, type FuzzRequest, type FuzzSecrets } from './fuzz-requests.ts';
import { FuzzClient, inParallel, type Outcome } from './fuzz-client.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const TOTAL = Number(process.env.FUZZ_RUNS ?? 10_240);
const CONCURRENCY = 16;
/** Longest a request may take before it counts as a hang. */
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 10_000);
/** Longest one gateway's run may take, shrinking included (generous: a long hunt scales it). */
const RUN_LIMIT_MS = Math.max(200_000, TOTAL * 20);

const KEY = 'sk-fuzz-endpoints-000000000000001';
const ADMIN_KEY = 'adm-fuzz-endpoints-00000000000001';

const common = (app: string, withValidation: boolean, withAdminKey: boolean) => `version: 1
server: { body_limit: 2mb }
stores: { state: { type: memory }, db: { type: memory } }
${withAdminKey ? `admin: { key: "${ADMIN_KEY}" }` : ''}
keys: [ { name: ci, key: "${KEY}", budget: { limit: 1000000, period: monthly } } ]
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, context_window: 128000, pricing: { input_per_1m: 1, output_per_1m: 2 }, capabilities: [chat, stream, tools, json_mode, vision] }
  - { name: mock-embed, provider: local, model: mock-embed, capabilities: [embeddings] }
pipeline:
  - use: metrics
  - use: auth
${withValidation ? '  - use: validation\n' : ''}  - use: rate-limit
    config: { limits: [ { per: key, rpm: 100000000, tpm: 1000000000000 } ] }
  - use: budget
    config: { budgets: [ { per: key, limit: 1000000, period: monthly, soft: 0.5 } ] }
  - use: content-filter
    config:
      rules:
        - { name: secrets, pii: [secret], action: block, direction: both }
        - { name: emails, pii: [email], action: redact, direction: both }
        - { name: words, keywords: [refactor], action: log }
  - use: transform
    config:
      rules:
        - { name: cap, clamp: { max_tokens: { max: 256 } }, default: { temperature: 0 } }
        - { name: house, endpoints: [chat, messages], system_prompt: { prepend: "Be brief." } }
  - use: semantic-cache
  - use: router
    config:
      aliases: { auto: [mock-gpt] }
      rules: [ { name: code, model: mock-gpt, keywords: [typescript] } ]
  - use: audit
  - use: provider
routes:
  - path: /apps/echo
    proxy:
      target: ${app}
      path_rewrite: { "^/apps/echo": "/api" }
      headers: { set: { x-gateway-route: echo }, remove: [cookie] }
      ws: true
    pipeline: [ { use: metrics }, { use: auth }, { use: rate-limit, config: { limits: [ { per: key, rpm: 100000000 } ] } } ]
  - path: /apps/open
    proxy: { target: ${app} }
    pipeline: [ { use: metrics } ]
`;

/** The app behind the proxy routes: answers every request with what it received. */
async function startEchoApp(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, size }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Tally {
  requests: number;
  statuses: Map<number, number>;
  hangs: number;
  /** Milliseconds spent per kind of request (FUZZ_PROFILE=1 prints them). */
  spent: Map<string, [count: number, ms: number]>;
}

/** What is wrong with one answer, if anything. */
function problemOf(r: FuzzRequest, o: Outcome): string | undefined {
  if (o.hang) return `hang: no answer within ${TIMEOUT_MS} ms`;
  if (o.error) return `dropped: ${o.error}`;
  if (o.status >= 500) return `status ${o.status}: ${o.text.slice(0, 300)}`;
  if (o.text.includes('internal_error')) return `internal_error in a ${o.status}: ${o.text.slice(0, 300)}`;
  // Only raw bytes a server may refuse by closing (a malformed request line, an upgrade
  // nobody takes) may end without a status.
  if (o.status === 0 && r.transport !== 'raw') return 'closed without an answer';
  return undefined;
}

/**
 * A logger keeping the lines at error level and above (50: a plugin failure, an unhandled
 * error; 60: fatal): warn and below would cost the run more than it tells.
 */
function errorLog(): { logger: pino.Logger; errors: string[] } {
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      errors.push(String(chunk));
      cb();
    },
  });
  return { logger: pino({ level: 'error' }, sink), errors };
}

async function fuzz(gw: TestGateway, errors: string[], secrets: FuzzSecrets, seed: number, runs: number, tally: Tally): Promise<void> {
  const client = new FuzzClient(gw.url, TIMEOUT_MS, CONCURRENCY);
  try {
    const batch = fc.array(anyRequest(secrets), { minLength: CONCURRENCY, maxLength: CONCURRENCY });
    const out = await fc.check(
      fc.asyncProperty(batch, async (requests) => {
        const logged = errors.length;
        const outcomes = await inParallel(requests, CONCURRENCY, async (r) => {
          const t0 = performance.now();
          const o = await client.send(r);
          const [n, ms] = tally.spent.get(r.kind) ?? [0, 0];
          tally.spent.set(r.kind, [n + 1, ms + performance.now() - t0]);
          return o;
        });
        const problems: string[] = [];
        outcomes.forEach((o, i) => {
          tally.requests++;
          tally.statuses.set(o.status, (tally.statuses.get(o.status) ?? 0) + 1);
          if (o.hang) tally.hangs++;
          const p = problemOf(requests[i]!, o);
          if (p) problems.push(`${p}\n    ← ${describeRequest(requests[i]!)}`);
        });
        const lines = errors.slice(logged);
        if (lines.length) problems.push(`logged ${lines.length} error(s) during the batch:\n    ${lines.map((l) => l.slice(0, 600)).join('\n    ')}`);
        if (problems.length) throw new Error(problems.join('\n  '));
      }),
      // A hang shrinks slowly (each attempt waits for its timeout): report what was found by then.
      { seed, numRuns: Math.ceil(runs / CONCURRENCY), interruptAfterTimeLimit: RUN_LIMIT_MS, markInterruptAsFailure: true },
    );
    if (out.failed) {
      const shrunk = (out.counterexample?.[0] ?? []) as FuzzRequest[];
      assert.fail(
        `fuzz failure (FUZZ_SEED=${out.seed}, path ${out.counterexamplePath}, after ${out.numRuns} batches, ${out.numShrinks} shrinks):\n  ` +
          `${String((out.errorInstance as Error)?.message ?? out.errorInstance).slice(0, 6000)}\n` +
          `shrunk batch (${shrunk.length} requests):\n  ${shrunk.map(describeRequest).join('\n  ').slice(0, 6000)}`,
      );
    }
  } finally {
    await client.close();
  }
  // Still serving: no crash, nothing wedged.
  const health = await fetch(`${gw.url}/healthz`);
  assert.equal(health.status, 200);
  const chat = await postJson(
    `${gw.url}/v1/chat/completions`,
    { model: 'mock-gpt', messages: [{ role: 'user', content: 'still alive' }] },
    { authorization: `Bearer ${KEY}` },
  );
  assert.equal(chat.status, 200, JSON.stringify(chat.json));
  assert.match(chat.json.choices[0].message.content, /still alive/);
}

describe(`fuzzing every public endpoint (FUZZ_SEED=${SEED}, FUZZ_RUNS=${TOTAL})`, function () {
  this.timeout(RUN_LIMIT_MS + 60_000);
  let app: Awaited<ReturnType<typeof startEchoApp>>;
  const tally: Tally = { requests: 0, statuses: new Map(), hangs: 0, spent: new Map() };
  // Measured from the first request, not from when mocha loaded the file.
  let started = 0;
  let cpu0: NodeJS.CpuUsage;

  before(async () => {
    app = await startEchoApp();
    started = Date.now();
    cpu0 = process.cpuUsage();
  });
  after(async () => {
    await app?.close();
    const statuses = [...tally.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`);
    if (process.env.FUZZ_PROFILE) {
      for (const [kind, [n, ms]] of [...tally.spent].sort((a, b) => b[1][1] - a[1][1]))
        console.log(`      ${kind}: ${n} requests, ${(ms / n).toFixed(1)} ms each, ${(ms / 1000).toFixed(1)} s`);
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `      fuzz: FUZZ_SEED=${SEED}, ${tally.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU), ${tally.hangs} hangs, statuses ${statuses.join(' ')}`,
    );
  });

  for (const variant of [
    { name: 'the full pipeline, admin key set', validation: true, adminKey: true, seed: SEED },
    { name: 'no validation plugin, admin API on loopback without a key', validation: false, adminKey: false, seed: SEED + 1 },
  ]) {
    it(`${variant.name} (seed ${variant.seed}): no 5xx, no hang, no dropped request, nothing logged as an error, still serving`, async () => {
      const { logger, errors } = errorLog();
      const gw = await startTestGateway(common(app.url, variant.validation, variant.adminKey), { logger });
      try {
        const stored = await postJson(`${gw.url}/v1/responses`, { model: 'mock-gpt', input: 'remember me', store: true }, { authorization: `Bearer ${KEY}` });
        assert.equal(stored.status, 200, JSON.stringify(stored.json));
        await fuzz(gw, errors, { key: KEY, adminKey: ADMIN_KEY, responseId: stored.json.id as string }, variant.seed, TOTAL / 2, tally);
      } finally {
        await gw.stop();
      }
    });
  }

  it(`sent at least ${TOTAL} requests in all, none of them hung`, () => {
    assert.ok(tally.requests >= TOTAL, `${tally.requests} requests`);
    assert.equal(tally.hangs, 0);
  });
});
