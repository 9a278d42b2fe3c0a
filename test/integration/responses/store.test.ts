/**
 * Stored responses across replicas: two gateways sharing one Redis (a test prefix of
 * their own). A response is stored before the last byte of its answer — JSON body or
 * `response.completed` event — so a follow-up sent to the other replica the moment the
 * answer ends finds it; the TTL is the configured one; GET/DELETE/input_items go through
 * auth and a response is visible only to the key that created it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { deleteRedisPrefix } from '../../helpers/redis.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { REPLY, startScriptedUpstream } from './upstream.ts';
import { assertSpec } from './spec.ts';

const ADA = 'sk-responses-ada-000000000000001';
const BOB = 'sk-responses-bob-000000000000002';
const CHAT_ONLY = 'sk-responses-chat-00000000000003';

const config = (upstream: string, prefix: string, responses = '') => `version: 1
stores: { state: { type: redis, url: "redis://127.0.0.1:6379", prefix: "${prefix}" }, db: { type: memory } }
keys:
  - { name: ada, key: "${ADA}" }
  - { name: bob, key: "${BOB}" }
  - { name: chat-only, key: "${CHAT_ONLY}", endpoints: [chat] }
providers: { oai: { type: openai, base_url: "${upstream}/v1", api_key: "sk-upstream-000000000000" } }
models: [ { name: gpt, provider: oai, model: gpt-4o-mini } ]
pipeline: [ { use: auth }, { use: validation }, { use: provider } ]
${responses}`;

const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('Responses API: stored responses across replicas (Redis)', function () {
  this.timeout(20_000);
  const prefix = `test:resp:${randomBytes(6).toString('hex')}:`;
  let up: FakeUpstream;
  let a: TestGateway;
  let b: TestGateway;
  let redis: Redis;

  before(async () => {
    up = await startScriptedUpstream();
    a = await startTestGateway(config(up.url, prefix, 'responses: { store_ttl_seconds: 120 }'));
    b = await startTestGateway(config(up.url, prefix, 'responses: { store_ttl_seconds: 120 }'));
    redis = new Redis('redis://127.0.0.1:6379');
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await up.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  const create = (gw: TestGateway, body: Record<string, unknown>, key = ADA) => postJson(`${gw.url}/v1/responses`, { model: 'gpt', ...body }, as(key));
  const get = (gw: TestGateway, path: string, key?: string, method = 'GET') => fetch(`${gw.url}/v1/responses/${path}`, { method, headers: key ? as(key) : {} });

  it('a JSON answer is stored before its body goes out: the other replica continues it at once', async () => {
    for (let i = 0; i < 5; i++) {
      const first = await create(a, { input: `My name is Ada (${i}).` });
      assert.equal(first.status, 200);
      const next = await create(b, { input: 'What is my name?', previous_response_id: first.json.id });
      assert.equal(next.status, 200, JSON.stringify(next.json));
      const sent = JSON.stringify(up.requests.at(-1)!.json);
      assert.ok(sent.includes(`My name is Ada (${i}).`) && sent.includes(REPLY), sent);
    }
  });

  it('a streamed answer is stored before response.completed is written', async () => {
    const r = await fetch(`${a.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as(ADA) },
      body: JSON.stringify({ model: 'gpt', input: 'Stream, then remember.', stream: true }),
    });
    const reader = r.body!.getReader();
    let buf = '';
    // Read only until the completed event has arrived, then ask the other replica at once.
    while (!/"type":"response\.completed"/.test(buf)) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream ended without response.completed');
      buf += Buffer.from(value).toString('utf8');
    }
    const id = /"id":"(resp_[0-9a-f]+)"/.exec(buf)![1]!;
    const [next, got] = await Promise.all([create(b, { input: 'And?', previous_response_id: id }), get(b, id, ADA)]);
    assert.equal(next.status, 200, JSON.stringify(next.json));
    assert.equal(got.status, 200);
    assert.equal(((await got.json()) as { output_text: string }).output_text, REPLY);
    await reader.cancel();
  });

  it('keeps a response for store_ttl_seconds', async () => {
    const r = await create(a, { input: 'ttl' });
    const ttl = await redis.pttl(`${prefix}responses:${r.json.id}`);
    assert.ok(ttl > 115_000 && ttl <= 120_000, `pttl ${ttl}`);
  });

  it('GET, input_items and DELETE need a key, and only the creating key sees the response', async () => {
    const r = await create(a, { input: [{ role: 'user', content: 'secret plans' }] });
    const id = r.json.id as string;
    assert.equal((await get(b, id)).status, 401);
    assert.equal((await get(b, id, undefined, 'DELETE')).status, 401);
    const other = await get(b, id, BOB);
    assert.equal(other.status, 404);
    const body = await other.json();
    assertSpec('ErrorResponse', body);
    assert.ok(!JSON.stringify(body).includes('secret plans'));
    assert.equal((await get(b, `${id}/input_items`, BOB)).status, 404);
    assert.equal((await get(b, id, BOB, 'DELETE')).status, 404, 'another key cannot delete it');
    const mine = await get(b, id, ADA);
    assert.equal(mine.status, 200);
    assertSpec('Response', await mine.json());
    const items = await get(b, `${id}/input_items`, ADA);
    const list = (await items.json()) as { data: Array<{ content: Array<{ text: string }> }> };
    assertSpec('ResponseItemList', list);
    assert.equal(list.data[0]!.content[0]!.text, 'secret plans');
    const del = await get(a, id, ADA, 'DELETE');
    assert.equal(del.status, 200);
    assert.deepEqual(await del.json(), { id, object: 'response', deleted: true });
    assert.equal((await get(b, id, ADA)).status, 404);
    assert.equal((await get(a, id, ADA, 'PUT')).status, 405);
  });

  it("another key's previous_response_id or item_reference is a 404, and nothing of it reaches the provider", async () => {
    const r = await create(a, { input: 'Ada only: the code is 4711.' });
    const before = up.requests.length;
    const prev = await create(b, { input: 'What was the code?', previous_response_id: r.json.id }, BOB);
    assert.equal(prev.status, 404);
    assert.equal(prev.json.error.param, 'previous_response_id');
    const ref = await create(b, { input: [{ type: 'item_reference', id: r.json.output[0].id }] }, BOB);
    assert.equal(ref.status, 404);
    assert.equal(ref.json.error.param, 'input[0].id');
    assert.equal(up.requests.length, before, 'no upstream call');
    // The creator's own reference works.
    const own = await create(b, {
      input: [
        { type: 'item_reference', id: r.json.output[0].id },
        { role: 'user', content: 'Again?' },
      ],
    });
    assert.equal(own.status, 200, JSON.stringify(own.json));
    assert.ok(JSON.stringify(up.requests.at(-1)!.json).includes(REPLY));
  });

  it('an unauthenticated follow-up is a 401 (auth first), a key without the endpoint a 403', async () => {
    const r = await create(a, { input: 'hi' });
    const anon = await postJson(`${b.url}/v1/responses`, { model: 'gpt', input: 'x', previous_response_id: r.json.id });
    assert.equal(anon.status, 401);
    const unknown = await postJson(`${b.url}/v1/responses`, { model: 'gpt', input: 'x', previous_response_id: 'resp_00000000000000000000000000000000' });
    assert.equal(unknown.status, 401, 'an unknown id does not answer before auth');
    assert.equal((await create(b, { input: 'x' }, CHAT_ONLY)).status, 403);
  });

  it('store: false keeps nothing', async () => {
    const r = await create(a, { input: 'forget me', store: false });
    assert.equal(r.json.store, false);
    assert.equal(await redis.exists(`${prefix}responses:${r.json.id}`), 0);
    assert.equal((await get(b, r.json.id, ADA)).status, 404);
  });
});

describe('Responses API: the default TTL', () => {
  const prefix = `test:resp:${randomBytes(6).toString('hex')}:`;
  after(() => deleteRedisPrefix(prefix));

  it('is one day without responses.store_ttl_seconds', async () => {
    const up = await startScriptedUpstream();
    const gw = await startTestGateway(config(up.url, prefix));
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const r = await postJson(`${gw.url}/v1/responses`, { model: 'gpt', input: 'hi' }, as(ADA));
      const ttl = await redis.pttl(`${prefix}responses:${r.json.id}`);
      assert.ok(ttl > 86_395_000 && ttl <= 86_400_000, `pttl ${ttl}`);
    } finally {
      redis.disconnect();
      await gw.stop();
      await up.close();
    }
  });
});
