import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startUpstream, type Upstream } from './upstream.ts';

function configFor(a: Upstream, b: Upstream, router: string): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  a: { type: openai, base_url: "${a.url}/v1", api_key: "ka", retry: { attempts: 2, base_delay_ms: 5, max_delay_ms: 20 }, timeouts: { connect_ms: 500, first_byte_ms: 2000 } }
  b: { type: openai, base_url: "${b.url}/v1", api_key: "kb", retry: { attempts: 2, base_delay_ms: 5, max_delay_ms: 20 } }
models:
  - { name: chat, provider: a, model: model-a, capabilities: [chat, stream] }
  - { name: chat, provider: b, model: model-b, capabilities: [chat, stream] }
  - { name: solo, provider: a, model: model-solo, capabilities: [chat, stream] }
  - { name: backup, provider: b, model: model-backup, capabilities: [chat, stream] }
pipeline:
  - use: router
    config: ${router}
  - use: provider
`;
}

async function chat(gw: TestGateway, body: Record<string, unknown>): Promise<{ status: number; headers: Headers; text: string }> {
  const r = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

describe('resilience: chaos against local upstreams', function () {
  this.timeout(15000);
  let a: Upstream, b: Upstream, gw: TestGateway | undefined;
  beforeEach(async () => {
    a = await startUpstream('a');
    b = await startUpstream('b');
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    await a.close();
    await b.close();
  });

  it('one of two deployments killed under load: zero client errors', async () => {
    gw = await startTestGateway(configFor(a, b, '{ strategy: round-robin, breaker: { failure_threshold: 3, cooldown_ms: 60000 } }'));
    const statuses: number[] = [];
    let sent = 0;
    async function worker(): Promise<void> {
      while (sent < 300) {
        sent++;
        if (sent === 100) await a.kill();
        statuses.push((await chat(gw!, { model: 'chat' })).status);
      }
    }
    await Promise.all(Array.from({ length: 10 }, worker));
    assert.equal(statuses.length, 300);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
    );
    const breakers = (await (await fetch(`${gw.url}/admin/breakers`)).json()) as { breakers: Record<string, { state: string }> };
    assert.equal(Object.entries(breakers.breakers).find(([id]) => id.startsWith('a/'))?.[1].state, 'open');
  });

  it('a 429 with Retry-After is respected (measured delay) and the request succeeds', async () => {
    gw = await startTestGateway(configFor(a, b, '{ retry_after_cap_ms: 5000 }'));
    a.mode = { kind: 'status', status: 429, retryAfter: 1, times: 1 };
    const r = await chat(gw, { model: 'solo' });
    assert.equal(r.status, 200);
    assert.equal(a.hits.length, 2);
    const gap = a.hits[1]! - a.hits[0]!;
    assert.ok(gap >= 990, `retried after ${gap.toFixed(0)} ms; Retry-After said 1 s`);
    assert.equal(r.headers.get('x-gateway-attempts'), '2');
  });

  it('a breaker opens after its threshold, sheds traffic, half-opens after the cool-down and closes on success', async () => {
    gw = await startTestGateway(configFor(a, b, '{ strategy: round-robin, breaker: { failure_threshold: 3, cooldown_ms: 400 } }'));
    a.mode = { kind: 'status', status: 500 };
    for (let i = 0; i < 6; i++) assert.equal((await chat(gw, { model: 'chat' })).status, 200);
    const state = async () =>
      ((await (await fetch(`${gw!.url}/admin/breakers`)).json()) as { breakers: Record<string, { state: string }> }).breakers['a/model-a']?.state;
    assert.equal(await state(), 'open');
    const hitsWhenOpen = a.hits.length;
    for (let i = 0; i < 10; i++) assert.equal((await chat(gw, { model: 'chat' })).status, 200);
    assert.equal(a.hits.length, hitsWhenOpen, 'no traffic to an open deployment');
    a.mode = { kind: 'ok' };
    await new Promise((r) => setTimeout(r, 450));
    for (let i = 0; i < 4; i++) assert.equal((await chat(gw, { model: 'chat' })).status, 200);
    assert.ok(a.hits.length > hitsWhenOpen, 'the probe reached the recovered deployment');
    assert.equal(await state(), 'closed');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /gateway_breaker_state\{deployment="a\/model-a"\} 0/);
  });

  it('a stream whose upstream dies before the first byte completes via the fallback', async () => {
    gw = await startTestGateway(configFor(a, b, '{ fallbacks: { solo: { unavailable: [backup], any: [backup] } } }'));
    a.mode = { kind: 'die-before-first-byte' };
    const r = await chat(gw, { model: 'solo', stream: true });
    assert.equal(r.status, 200);
    const text = r.text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '')
      .join('');
    assert.equal(text, 'hello from b');
    assert.ok(r.text.trimEnd().endsWith('data: [DONE]'));
    assert.equal(r.headers.get('x-gateway-model'), 'backup');
    assert.match(r.headers.get('x-gateway-route-reason')!, /fallback\(unavailable\)->backup/);
  });

  it('POST /admin/route/explain returns the choice the router then makes', async () => {
    gw = await startTestGateway(configFor(a, b, '{ seed: 5, strategy: weighted, aliases: { auto: [chat, backup] } }'));
    for (let i = 0; i < 8; i++) {
      const body = { model: 'auto', messages: [{ role: 'user', content: `question ${i}` }] };
      const ex = (await (
        await fetch(`${gw.url}/admin/route/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body }) })
      ).json()) as { choice: { deployment: string }; candidates: string[]; reason: string };
      const r = await chat(gw, body);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-gateway-deployment'), ex.choice.deployment);
      assert.equal(r.headers.get('x-gateway-route-reason'), ex.reason);
      assert.equal(ex.candidates.length, 3);
    }
    const bad = await fetch(`${gw.url}/admin/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nope: 1 }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'invalid_request');
  });
});
