import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestGateway, mockConfig, postJson, type TestGateway } from '../../helpers/gateway.ts';

describe('bad input gets a 4xx OpenAI-shaped error, never a 5xx or a crash', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(mockConfig().replace('version: 1', 'version: 1\nserver: { body_limit: 2kb }'));
  });
  after(async () => {
    await gw.stop();
  });

  const chat = () => `${gw.url}/v1/chat/completions`;
  const assertError = (r: { status: number; json: any }, status: number, code: string) => {
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.error.code, code);
    assert.equal(typeof r.json.error.message, 'string');
    assert.ok('type' in r.json.error && 'param' in r.json.error);
  };

  it('malformed JSON → 400 invalid_json', async () => {
    assertError(await postJson(chat(), '{"model": "mock-gpt", "messages": [', {}), 400, 'invalid_json');
  });

  it('a body that is not an object → 400', async () => {
    assertError(await postJson(chat(), '[1,2]'), 400, 'invalid_request');
  });

  it('wrong types → 400 naming the field', async () => {
    const r = await postJson(chat(), { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' });
    assertError(r, 400, 'invalid_request');
    assert.equal(r.json.error.param, 'temperature');
    const r2 = await postJson(chat(), { model: 42, messages: [] });
    assertError(r2, 400, 'invalid_request');
    assert.equal(r2.json.error.param, 'model');
    const r3 = await postJson(chat(), { model: 'mock-gpt', messages: [{ content: 'no role' }] });
    assert.equal(r3.json.error.param, 'messages[0].role');
  });

  it('unknown model → 404 model_not_found', async () => {
    const r = await postJson(chat(), { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    assertError(r, 404, 'model_not_found');
    assert.equal(r.json.error.param, 'model');
  });

  it('oversized body → 413', async () => {
    const big = 'x'.repeat(4096);
    assertError(await postJson(chat(), { model: 'mock-gpt', messages: [{ role: 'user', content: big }] }), 413, 'request_too_large');
  });

  it('oversized body without content-length (chunked) → 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(chat(), { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
      req.end();
    });
    assert.equal(status, 413);
  });

  it('wrong content type → 415', async () => {
    const r = await fetch(chat(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(r.status, 415);
    assert.equal(((await r.json()) as any).error.code, 'unsupported_media_type');
  });

  it('wrong method → 405 with Allow', async () => {
    const r = await fetch(chat());
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
    assert.equal(((await r.json()) as any).error.code, 'method_not_allowed');
  });

  it('unknown path → 404 JSON', async () => {
    const r = await fetch(`${gw.url}/v1/nothing-here`);
    assert.equal(r.status, 404);
    assert.equal(((await r.json()) as any).error.code, 'not_found');
  });

  it('embeddings with a missing input → 400 naming input', async () => {
    const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed' });
    assertError(r, 400, 'invalid_request');
    assert.equal(r.json.error.param, 'input');
  });

  it('a model lacking a capability → 400 before any upstream call', async () => {
    const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-gpt', input: 'hi' });
    assertError(r, 400, 'unsupported_capability');
  });

  it('x-request-id is echoed when given and generated when not', async () => {
    const given = await postJson(chat(), { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] }, { 'x-request-id': 'abc-123' });
    assert.equal(given.headers.get('x-request-id'), 'abc-123');
    const made = await postJson(chat(), { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] });
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('keeps serving after all of the above', async () => {
    const r = await postJson(chat(), { model: 'mock-gpt', messages: [{ role: 'user', content: 'still alive' }] });
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].message.content, 'Mock reply to: still alive');
  });

  it('health, readiness and metrics answer', async () => {
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
    const ready = await fetch(`${gw.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as any).checks.config, true);
    const m = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(m, /gateway_requests_total\{route="chat",model="mock-gpt",provider="local",status="200"\} \d+/);
    assert.match(m, /gateway_requests_total\{route="chat",model="unknown",provider="none",status="404"\} 1/);
    assert.match(m, /gateway_request_duration_seconds_bucket/);
  });
});

describe('a client that disconnects mid-body', () => {
  it('leaves no request in flight (the generation can drain)', async () => {
    const gw = await startTestGateway(mockConfig());
    try {
      const port = Number(new URL(gw.url).port);
      await new Promise<void>((resolve) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': '1000' },
        });
        req.on('error', () => resolve());
        req.write('{"model":"mock-gpt","messages":[');
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      for (let i = 0; i < 40 && gw.runtime.current!.inflight > 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(gw.runtime.current!.inflight, 0);
    } finally {
      await gw.stop();
    }
  });
});
