/**
 * Every built-in plugin in one pipeline, in the order the README recommends, against the
 * offline mock provider: each does its job and none trips over another (a cached answer
 * passes the response filter, a redacted prompt is what gets cached, spans cover hits).
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startCollector, type Collector } from '../../plugins/tracing/collector.ts';

const KEY = 'sk-full-pipeline-test-000000000001';

const config = (collector: string) => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
keys: [ { name: ci, key: "${KEY}" } ]
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, context_window: 128000, pricing: { input_per_1m: 1, output_per_1m: 2 }, capabilities: [chat, stream] }
  - { name: mock-embed, provider: local, model: mock-embed, capabilities: [embeddings] }
pipeline:
  - use: tracing
    config: { endpoint: "${collector}", batch_delay_ms: 20 }
  - use: metrics
  - use: auth
  - use: validation
  - use: rate-limit
    config: { limits: [ { per: key, rpm: 1000 } ] }
  - use: budget
    config: { budgets: [ { per: key, limit: 100, period: monthly } ] }
  - use: content-filter
    config:
      rules:
        - { name: secrets, pii: [secret], action: block }
        - { name: emails, pii: [email], action: redact, direction: both }
  - use: transform
    config:
      rules:
        - { name: cap, clamp: { max_tokens: { max: 256 } }, response_headers: { set: { x-team: platform } } }
  - use: semantic-cache
  - use: router
    config: { aliases: { auto: [mock-gpt] } }
  - use: audit
  - use: provider
`;

describe('every built-in plugin in one pipeline', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  let collector: Collector;
  const auth = { authorization: `Bearer ${KEY}` };
  const chat = (content: string, extra: Record<string, unknown> = {}) =>
    postJson(`${gw.url}/v1/chat/completions`, { model: 'auto', messages: [{ role: 'user', content }], ...extra }, auth);

  before(async () => {
    collector = await startCollector();
    gw = await startTestGateway(config(collector.url), { captureLogs: true });
  });
  after(async () => {
    await gw.stop();
    await collector.close();
  });

  it('answers, then answers the same question from the cache, with every plugin’s mark on it', async () => {
    const first = await chat('What is the capital of France?', { max_tokens: 5000 });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-gateway-cache'), 'miss');
    assert.equal(first.headers.get('x-team'), 'platform');
    assert.ok(first.headers.get('x-ratelimit-remaining-requests'));
    assert.equal(first.json.choices[0].message.content, 'Mock reply to: What is the capital of France?');
    const again = await chat('What is the capital of France?', { max_tokens: 5000 });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-gateway-cache'), 'hit');
    assert.equal(again.headers.get('x-team'), 'platform');
    assert.equal(again.json.choices[0].message.content, first.json.choices[0].message.content);
  });

  it('refuses a prompt with a secret before the cache or the provider, and without a key', async () => {
    const blocked = await chat('my key is sk-proj-abcdefghijklmnopqrstuvwxyz012345');
    assert.equal(blocked.status, 400);
    assert.equal(blocked.json.error.code, 'content_policy_violation');
    assert.ok(!JSON.stringify(blocked.json).includes('sk-proj-'));
    const anonymous = await postJson(`${gw.url}/v1/chat/completions`, { model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(anonymous.status, 401);
  });

  it('redacts an email before the provider sees it (the mock echoes what it got)', async () => {
    const r = await chat('write to jane.doe@example.com please');
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].message.content, 'Mock reply to: write to [REDACTED:emails] please');
  });

  it('streams, then replays the stream from the cache', async () => {
    const ask = () =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'Tell me a story' }] }),
      });
    const text = (t: string) =>
      t
        .split('\n')
        .filter((l) => l.startsWith('data: {'))
        .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '')
        .join('');
    const r1 = await ask();
    const t1 = await r1.text();
    assert.equal(r1.headers.get('x-gateway-cache'), 'miss');
    assert.match(t1, /data: \[DONE\]\n\n$/);
    // The stream is stored once it has ended (onDone, off the request path).
    let r2: Response,
      t2 = '';
    for (let i = 0; i < 20; i++) {
      r2 = await ask();
      t2 = await r2.text();
      if (r2.headers.get('x-gateway-cache') === 'hit') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(r2!.headers.get('x-gateway-cache'), 'hit');
    assert.equal(text(t2), text(t1));
    assert.equal(text(t1), 'Mock reply to: Tell me a story');
  });

  it('serves /v1/messages and /v1/embeddings through the same pipeline', async () => {
    const m = await postJson(`${gw.url}/v1/messages`, { model: 'mock-gpt', max_tokens: 50, messages: [{ role: 'user', content: 'hello there' }] }, auth);
    assert.equal(m.status, 200);
    assert.equal(m.json.type, 'message');
    assert.equal(m.json.content[0].text, 'Mock reply to: hello there');
    const e = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: 'hello' }, auth);
    assert.equal(e.status, 200);
    assert.equal(e.json.data.length, 1);
  });

  it('traces every request, records usage, and logs no secret', async () => {
    await collector.waitFor(8);
    const servers = collector.spans.filter((s) => s.kind === 2);
    assert.ok(servers.some((s) => s.attributes['http.response.status_code'] === 400 && s.attributes['error.type'] === 'content_policy_violation'));
    assert.ok(servers.some((s) => s.attributes['http.response.status_code'] === 401));
    // audit: one usage row per request, refused ones included. Rows name the deployment's
    // model when one answered, else the model asked for: cache hits (no deployment, cost 0)
    // and refusals are under the alias `auto` the client sent — except the unauthenticated
    // request, refused on its headers before its body (and model) was read: no model.
    type Row = { group: string | null; requests: number; cost: number };
    let rows: Row[] = [];
    const count = (g: string) => rows.find((r) => r.group === g)?.requests ?? 0;
    for (let i = 0; i < 50 && count('mock-gpt') + count('auto') + (rows.find((r) => r.group === null)?.requests ?? 0) < 8; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = ((await (await fetch(`${gw.url}/admin/usage?group_by=model`)).json()) as { data: Row[] }).data;
    }
    const gpt = rows.find((r) => r.group === 'mock-gpt');
    const alias = rows.find((r) => r.group === 'auto');
    // Answered by the mock: the first question, the redacted prompt, the first stream, /v1/messages.
    assert.equal(gpt?.requests, 4, JSON.stringify(rows));
    assert.ok(gpt!.cost > 0);
    // Two cache hits (cost 0) and the blocked prompt.
    assert.equal(alias?.requests, 3, JSON.stringify(rows));
    assert.equal(alias!.cost, 0);
    // The unauthenticated request, refused before its body named a model.
    assert.equal(rows.find((r) => r.group === null)?.requests, 1, JSON.stringify(rows));
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /gateway_cache_requests_total\{result="hit_exact"\} [1-9]/);
    assert.match(metrics, /gateway_content_filter_matches_total\{rule="emails",action="redact",direction="request"\} [1-9]/);
    assert.match(metrics, /gateway_requests_total\{route="chat",model="mock-gpt",provider="local",status="200"\} [1-9]/);
    const logs = gw.logs.join('');
    for (const secret of [KEY, 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'jane.doe@example.com']) assert.ok(!logs.includes(secret), `logs hold ${secret}`);
    assert.ok(
      !collector.raw
        .map((r) => r.body)
        .join('')
        .includes('jane.doe'),
      'spans hold the email',
    );
  });
});
