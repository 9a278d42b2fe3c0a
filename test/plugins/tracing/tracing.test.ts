import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { startCollector, type Collector } from './collector.ts';
import { RequestContext } from '../../../src/engine/context.ts';

const UPSTREAM_KEY = 'sk-upstream-secret-4567890';
const OTLP_KEY = 'otlp-vendor-secret-98765';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

function config(upstream: string, opts: { tracing?: string; collector?: string; retry?: string } = {}): string {
  const tracing =
    opts.tracing ?? `{ use: tracing, config: { endpoint: "${opts.collector}", batch_delay_ms: 20, headers: { authorization: "Bearer ${OTLP_KEY}" } } },`;
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { up: { type: openai, base_url: "${upstream}/v1", api_key: "${UPSTREAM_KEY}"${opts.retry ?? ''} } }
models:
  - { name: gpt-test, provider: up, model: upstream-model-id, pricing: { input_per_1m: 1, output_per_1m: 2 } }
pipeline: [ ${tracing} { use: metrics }, { use: validation }, { use: provider } ]
`;
}

const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], ...extra });
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const SERVER = 2;
const CLIENT = 3;

describe('tracing plugin: OpenTelemetry spans over OTLP/HTTP, W3C trace context to the upstream', function () {
  this.timeout(15000);
  let upstream: FakeOpenAI;
  let collector: Collector;
  let gw: TestGateway;

  beforeEach(async () => {
    upstream = await startFakeOpenAI();
    collector = await startCollector();
    gw = await startTestGateway(config(upstream.url, { collector: collector.url }), { captureLogs: true });
  });
  afterEach(async () => {
    await gw.stop();
    await collector.close();
    await upstream.close();
  });

  it("continues the caller's trace: a SERVER span, a CLIENT span for the upstream call, and the upstream below it", async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat({ max_tokens: 50 }), { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'vendor=abc' });
    assert.equal(r.status, 200);
    const spans = await collector.waitFor(2);
    const span = spans.find((s) => s.kind === SERVER);
    const call = spans.find((s) => s.kind === CLIENT)!;
    assert.equal(span!.traceId, TRACE);
    assert.equal(span!.parentSpanId, PARENT);
    assert.equal(span!.name, 'chat gpt-test');
    assert.equal(span!.service, 'llm-gateway');
    assert.equal(span!.status, 0);
    const a = span!.attributes;
    assert.equal(a['http.request.method'], 'POST');
    assert.equal(a['url.path'], '/v1/chat/completions');
    assert.equal(a['http.response.status_code'], 200);
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.request.model'], 'gpt-test');
    assert.equal(a['gen_ai.request.max_tokens'], 50);
    assert.equal(a['gen_ai.response.model'], 'upstream-model-id');
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.usage.input_tokens'], 11);
    assert.equal(a['gen_ai.usage.output_tokens'], 5);
    assert.equal(a['gateway.request_id'], r.headers.get('x-request-id'));
    assert.equal(a['gateway.deployment'], 'up/upstream-model-id');
    assert.ok(typeof a['gateway.cost_usd'] === 'number' && a['gateway.cost_usd'] > 0);
    // The upstream call: a child of the request's span, named after the upstream model.
    assert.equal(call.traceId, TRACE);
    assert.equal(call.parentSpanId, span!.spanId);
    assert.equal(call.name, 'chat upstream-model-id');
    assert.equal(call.status, 0);
    assert.deepEqual(
      [
        call.attributes['gen_ai.request.model'],
        call.attributes['gen_ai.provider.name'],
        call.attributes['gateway.attempt'],
        call.attributes['gateway.attempt.outcome'],
      ],
      ['upstream-model-id', 'openai', 1, 'ok'],
    );
    assert.ok(call.durationMs <= span!.durationMs);
    // The upstream's parent is the attempt's span, in the same trace; tracestate passes on.
    const sent = upstream.requests[0]!.headers;
    assert.equal(sent.traceparent, `00-${TRACE}-${call.spanId}-01`);
    assert.equal(sent.tracestate, 'vendor=abc');
  });

  it('a retried call: one CLIENT span per attempt, the failed one marked as an error', async () => {
    await gw.stop();
    gw = await startTestGateway(config(upstream.url, { collector: collector.url, retry: ', retry: { attempts: 2, base_delay_ms: 1, max_delay_ms: 5 }' }));
    upstream.behave.status = 500;
    let n = 0;
    const record = upstream.requests.push.bind(upstream.requests);
    // The first call fails; the fake reads its behaviour after recording, so heal it on the second.
    upstream.requests.push = (...r) => {
      if (++n === 2) upstream.behave.status = undefined;
      return record(...r);
    };
    assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat())).status, 200);
    const spans = await collector.waitFor(3);
    const server = spans.find((s) => s.kind === SERVER)!;
    const calls = spans.filter((s) => s.kind === CLIENT).sort((a, b) => Number(a.attributes['gateway.attempt']) - Number(b.attributes['gateway.attempt']));
    assert.equal(server.attributes['gateway.attempts'], 2);
    assert.deepEqual(
      calls.map((c) => [c.attributes['gateway.attempt'], c.attributes['gateway.attempt.outcome'], c.status, c.parentSpanId]),
      [
        [1, 'unavailable', 2, server.spanId],
        [2, 'ok', 0, server.spanId],
      ],
    );
    // Each upstream request carried its own attempt's context.
    assert.deepEqual(
      upstream.requests.map((r) => TRACEPARENT.exec(String(r.headers.traceparent))![2]),
      calls.map((c) => c.spanId),
    );
  });

  it('starts a new trace when the request carries none', async () => {
    assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat())).status, 200);
    const spans = await collector.waitFor(2);
    const span = spans.find((s) => s.kind === SERVER)!;
    const call = spans.find((s) => s.kind === CLIENT)!;
    assert.equal(span.parentSpanId, '');
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
    const m = TRACEPARENT.exec(String(upstream.requests[0]!.headers.traceparent));
    assert.ok(m, 'the upstream got a traceparent');
    assert.deepEqual([m[1], m[2], m[3]], [span.traceId, call.spanId, '01']);
  });

  it('a stream: the span ends after the last event, with time to first byte and usage', async () => {
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat({ stream: true })),
    });
    const text = await r.text();
    assert.match(text, /data: \[DONE\]/);
    const span = (await collector.waitFor(2)).find((s) => s.kind === SERVER);
    assert.equal(span!.attributes['gateway.stream'], true);
    assert.equal(span!.attributes['gen_ai.usage.output_tokens'], 5);
    const ttfb = span!.attributes['gateway.time_to_first_byte_ms'] as number;
    assert.ok(ttfb > 0 && ttfb <= span!.durationMs, `ttfb ${ttfb} within the span's ${span!.durationMs} ms`);
  });

  it("5xx marks the span as an error; a 4xx is the client's and only sets error.type", async () => {
    upstream.behave.status = 500;
    assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat())).status, 503);
    upstream.behave.status = undefined;
    assert.equal((await postJson(`${gw.url}/v1/chat/completions`, { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).status, 404);
    const spans = (await collector.waitFor(3)).filter((s) => s.kind === SERVER);
    const failed = spans.find((s) => s.attributes['http.response.status_code'] === 503)!;
    assert.equal(failed.status, 2, 'ERROR');
    assert.equal(failed.attributes['error.type'], 'upstream_unavailable');
    const notFound = spans.find((s) => s.attributes['http.response.status_code'] === 404)!;
    assert.equal(notFound.status, 0);
    assert.equal(notFound.attributes['error.type'], 'model_not_found');
  });

  it('no secret reaches the collector or the logs; export headers reach only the collector', async () => {
    await postJson(`${gw.url}/v1/chat/completions`, chat(), { authorization: 'Bearer client-key-should-not-leak' });
    await collector.waitFor(2);
    const bodies = collector.raw.map((x) => x.body).join('\n');
    for (const secret of [UPSTREAM_KEY, OTLP_KEY, 'client-key-should-not-leak', 'hi"']) assert.ok(!bodies.includes(secret), `span data holds ${secret}`);
    assert.equal(collector.raw[0]!.headers.authorization, `Bearer ${OTLP_KEY}`);
    // A failing collector: requests are unaffected, the failure is logged (without the key) and counted.
    collector.failing = true;
    assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat())).status, 200);
    const deadline = Date.now() + 8000;
    let metrics = '';
    while (Date.now() < deadline) {
      metrics = await (await fetch(`${gw.url}/metrics`)).text();
      if (/gateway_trace_spans_exported_total\{outcome="error"\} [1-9]/.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(metrics, /gateway_trace_spans_exported_total\{outcome="ok"\} 2\b/);
    assert.match(metrics, /gateway_trace_spans_exported_total\{outcome="error"\} 2\b/);
    const logs = gw.logs.join('');
    assert.match(logs, /trace export failed/);
    for (const secret of [UPSTREAM_KEY, OTLP_KEY]) assert.ok(!logs.includes(secret), `logs hold ${secret}`);
  });

  it('spans still queued are exported when the generation closes (shutdown flushes)', async () => {
    await gw.stop();
    gw = await startTestGateway(config(upstream.url, { tracing: `{ use: tracing, config: { endpoint: "${collector.url}", batch_delay_ms: 60000 } },` }));
    await postJson(`${gw.url}/v1/chat/completions`, chat());
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(collector.spans.length, 0, 'held in the batch');
    await gw.stop();
    assert.equal(collector.spans.length, 2);
    gw = await startTestGateway(config(upstream.url, { collector: collector.url }));
  });

  it('sample_ratio 0: new traces are not recorded but still propagated (unsampled); a sampled caller is followed', async () => {
    await gw.stop();
    gw = await startTestGateway(
      config(upstream.url, { tracing: `{ use: tracing, config: { endpoint: "${collector.url}", batch_delay_ms: 20, sample_ratio: 0 } },` }),
    );
    await postJson(`${gw.url}/v1/chat/completions`, chat());
    const m = TRACEPARENT.exec(String(upstream.requests[0]!.headers.traceparent));
    assert.ok(m);
    assert.equal(m[3], '00', 'flags say not sampled');
    await postJson(`${gw.url}/v1/chat/completions`, chat(), { traceparent: `00-${TRACE}-${PARENT}-01` });
    const spans = await collector.waitFor(2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(spans.length, 2, 'only the request whose caller sampled it (its request and attempt spans)');
    assert.ok(spans.every((s) => s.traceId === TRACE));
  });

  it("a proxy route's app is a child of the route request's span", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const app = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      await gw.stop();
      gw = await startTestGateway(`${config(upstream.url, { tracing: '' })}routes:
  - path: /apps/crm
    proxy: { target: "http://127.0.0.1:${(app.address() as AddressInfo).port}" }
    pipeline: [ { use: tracing, config: { endpoint: "${collector.url}", batch_delay_ms: 20 } } ]
`);
      const r = await fetch(`${gw.url}/apps/crm/x`, { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
      assert.equal(await r.text(), 'ok');
      const [span] = await collector.waitFor(1);
      assert.equal(span!.kind, SERVER);
      assert.equal(span!.name, 'GET');
      assert.equal(span!.parentSpanId, PARENT);
      assert.equal(span!.attributes['http.response.status_code'], 200);
      assert.equal(seen[0]!.traceparent, `00-${TRACE}-${span!.spanId}-01`);
    } finally {
      app.closeAllConnections();
      await new Promise((r) => app.close(r));
    }
  });

  it('rejects a bad config at load with its path', async () => {
    await assert.rejects(
      startTestGateway(config(upstream.url, { tracing: '{ use: tracing, config: { sample_ratio: 1.5 } },' })),
      /pipeline\[0\]\.config\.sample_ratio/,
    );
  });
});

describe('W3C trace context without the tracing plugin', () => {
  let upstream: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    upstream = await startFakeOpenAI();
    gw = await startTestGateway(config(upstream.url, { tracing: '' }));
  });
  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  it("forwards the caller's valid traceparent and tracestate as they are, and nothing else", async () => {
    await postJson(`${gw.url}/v1/chat/completions`, chat(), { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'a=b' });
    await postJson(`${gw.url}/v1/chat/completions`, chat(), { traceparent: `00-${'0'.repeat(32)}-${PARENT}-01`, tracestate: 'a=b' });
    await postJson(`${gw.url}/v1/chat/completions`, chat(), { traceparent: 'garbage' });
    await postJson(`${gw.url}/v1/chat/completions`, chat());
    const [valid, zeros, garbage, none] = upstream.requests.map((r) => r.headers);
    assert.equal(valid!.traceparent, `00-${TRACE}-${PARENT}-01`);
    assert.equal(valid!.tracestate, 'a=b');
    for (const h of [zeros, garbage, none]) {
      assert.equal(h!.traceparent, undefined);
      assert.equal(h!.tracestate, undefined);
    }
  });

  it('request logs carry the trace id', () => {
    const lines: string[] = [];
    const log = pino(
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const ctx = new RequestContext({
      id: 'req-1',
      endpoint: 'chat',
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { traceparent: `00-${TRACE}-${PARENT}-01` },
      clientIp: '127.0.0.1',
      generation: 1,
      log,
      signal: new AbortController().signal,
    });
    ctx.log.info('hello');
    const line = JSON.parse(lines[0]!) as { request_id: string; trace_id: string };
    assert.equal(line.request_id, 'req-1');
    assert.equal(line.trace_id, TRACE);
  });
});
