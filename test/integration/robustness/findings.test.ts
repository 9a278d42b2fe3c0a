/**
 * The inputs a security probe found answered with an unlogged 5xx, each now a 4xx in the
 * client's dialect (OpenAI's body, or Anthropic's on /v1/messages), naming the field where
 * there is one. The pipeline has no `validation` plugin: no plugin may rely on one.
 * (The admin API's findings are in test/engine/admin/admin-api.test.ts.)
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';

const KEY = 'sk-robustness-findings-000000000001';

const config = `version: 1
stores: { state: { type: memory }, db: { type: memory } }
keys: [ { name: ci, key: "${KEY}" } ]
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, capabilities: [chat, stream, tools] }
  - { name: mock-embed, provider: local, model: mock-embed, capabilities: [embeddings] }
pipeline:
  - use: metrics
  - use: auth
  - use: content-filter
    config: { rules: [ { name: secrets, pii: [secret], action: block } ] }
  - use: semantic-cache
  - use: router
    config: { aliases: { auto: [mock-gpt] } }
  - use: provider
`;

const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';

describe('probe findings on the LLM endpoints, without validation', function () {
  this.timeout(30_000);
  let gw: TestGateway;
  const auth = { authorization: `Bearer ${KEY}` };
  const anthropic = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
  before(async () => {
    gw = await startTestGateway(config, { captureLogs: true });
  });
  after(async () => {
    await gw.stop();
  });

  it('GET /v1/models/%E0%A4%A (a malformed %-escape) → 404 model_not_found in both dialects', async () => {
    const r = await fetch(`${gw.url}/v1/models/%E0%A4%A`, { headers: auth });
    const body = (await r.json()) as { error: { code: string; param: string } };
    assert.equal(r.status, 404);
    assert.equal(body.error.code, 'model_not_found');
    assert.equal(body.error.param, 'model');
    const a = await fetch(`${gw.url}/v1/models/%E0%A4%A`, { headers: anthropic });
    assert.equal(a.status, 404);
    assert.equal(((await a.json()) as { error: { type: string } }).error.type, 'not_found_error');
  });

  it('a body nested 10,000 deep → 400 invalid_request, on chat and on /v1/messages (Anthropic error shape)', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const chat = await postJson(`${gw.url}/v1/chat/completions`, `{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":${deep}}`, auth);
    assert.equal(chat.status, 400, JSON.stringify(chat.json));
    assert.equal(chat.json.error.code, 'invalid_request');
    assert.match(chat.json.error.message, /nests deeper than 128 levels/);
    const msgs = await postJson(
      `${gw.url}/v1/messages`,
      `{"model":"mock-gpt","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":${deep}}`,
      anthropic,
    );
    assert.equal(msgs.status, 400, JSON.stringify(msgs.json));
    assert.equal(msgs.json.type, 'error');
    assert.equal(msgs.json.error.type, 'invalid_request_error');
    // 128 levels still pass: the limit is about stack depth, not about ordinary nesting.
    const ok = '['.repeat(120) + ']'.repeat(120);
    const fine = await postJson(`${gw.url}/v1/chat/completions`, `{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":${ok}}`, auth);
    assert.equal(fine.status, 200, JSON.stringify(fine.json));
  });

  it('content: [null] passes the content filter, cache and router to a 400 from the provider; a secret next to it is still caught', async () => {
    const nulls = await postJson(
      `${gw.url}/v1/chat/completions`,
      { model: 'auto', messages: [{ role: 'user', content: [null, { type: 'text', text: 'hi' }, 7] }] },
      auth,
    );
    // Every plugin lets it through; the mock then answers as OpenAI's API does: a 400
    // naming the content (a part must be an object), never a 5xx.
    assert.equal(nulls.status, 400, JSON.stringify(nulls.json));
    assert.equal(nulls.json.error.code, 'invalid_request');
    assert.equal(nulls.json.error.param, 'messages[0].content');
    const secret = await postJson(
      `${gw.url}/v1/chat/completions`,
      { model: 'mock-gpt', messages: [{ role: 'user', content: [null, { type: 'text', text: SECRET }] }] },
      auth,
    );
    assert.equal(secret.status, 400, JSON.stringify(secret.json));
    assert.equal(secret.json.error.code, 'content_policy_violation');
    assert.equal(secret.json.error.param, 'messages[0].content[1].text');
  });

  it('the mock refuses impossible embedding dimensions with a 400 naming them', async () => {
    for (const dimensions of [1e9, -1, 'x']) {
      const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: 'hi', dimensions }, auth);
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.equal(r.json.error.param, 'dimensions');
    }
  });

  it('no request above failed a plugin or logged an unhandled error', () => {
    assert.deepEqual(
      gw.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 300)),
      [],
    );
  });
});
