import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { cacheConfig, calls, chat, KEY_A, KEY_B, metric, stream, textOf, until } from './helpers.ts';

const HASH_MAP = 'Explain how a hash map works in simple terms.';
const PARAPHRASE = 'Please explain how a hash map works, in simple terms.'; // cosine ≈ 0.878 (hashed n-grams, 256 dims)
const OTHER_TOPIC = 'Explain how a binary tree works in simple terms.'; // cosine ≈ 0.718

describe('semantic-cache through a gateway (memory store)', function () {
  this.timeout(10_000);
  let upstream: FakeOpenAI;
  let gw: TestGateway | undefined;
  const start = async (cache?: string) => (gw = await startTestGateway(cacheConfig({ upstream, cache })));
  /** Send, then wait until the answer was stored (stores run after the last byte). */
  const primed = async (g: TestGateway, content: string, extra: Record<string, unknown> = {}, key = KEY_A) => {
    const before = await metric(g, 'gateway_cache_requests_total', 'result="store"');
    const r = await chat(g, content, extra, {}, key);
    await until(async () => (await metric(g, 'gateway_cache_requests_total', 'result="store"')) > before);
    return r;
  };

  beforeEach(async () => {
    upstream = await startFakeOpenAI({ reply: 'first answer' });
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    await upstream.close();
  });

  it('exact hit: the same request is answered from cache, with a fresh id and the cached usage', async () => {
    const g = await start();
    const first = await primed(g, 'hello there');
    assert.equal(first.headers.get('x-gateway-cache'), 'miss');
    upstream.behave.reply = 'second answer';
    const again = await chat(g, 'hello there');
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-gateway-cache'), 'hit');
    assert.equal(again.headers.get('x-gateway-cache-similarity'), null, 'an exact hit has no similarity');
    assert.equal(again.json.choices[0].message.content, 'first answer');
    assert.deepEqual(again.json.usage, first.json.usage);
    assert.notEqual(again.json.id, first.json.id);
    assert.equal(calls(upstream), 1);
    assert.equal(await metric(g, 'gateway_cache_requests_total', 'result="hit_exact"'), 1);
    assert.equal(await metric(g, 'gateway_cache_lookup_duration_seconds_count', 'result="hit_exact"'), 1);
  });

  it('a hit records the cached tokens but costs nothing', async () => {
    const g = await start();
    await primed(g, 'what does it cost');
    const cost = () => metric(g, 'gateway_cost_usd_total', 'model="m",provider="up"');
    const tokens = () => metric(g, 'gateway_tokens_total', 'model="m",provider="none",type="prompt"');
    const spent = await cost();
    assert.ok(spent > 0);
    await chat(g, 'what does it cost');
    await until(async () => (await tokens()) === 11);
    assert.equal(await cost(), spent, 'no spend added by a hit');
  });

  it('semantic hit on a close paraphrase; a different question on the same subject misses', async () => {
    const g = await start('{ similarity_threshold: 0.85 }');
    await primed(g, HASH_MAP);
    upstream.behave.reply = 'second answer';
    const para = await chat(g, PARAPHRASE);
    assert.equal(para.headers.get('x-gateway-cache'), 'hit');
    const sim = Number(para.headers.get('x-gateway-cache-similarity'));
    assert.ok(sim >= 0.85 && sim < 1, `similarity ${sim}`);
    assert.equal(para.json.choices[0].message.content, 'first answer');
    assert.equal(calls(upstream), 1);
    const other = await chat(g, OTHER_TOPIC);
    assert.equal(other.headers.get('x-gateway-cache'), 'miss');
    assert.equal(other.json.choices[0].message.content, 'second answer');
    assert.equal(calls(upstream), 2);
    assert.equal(await metric(g, 'gateway_cache_requests_total', 'result="hit_semantic"'), 1);
  });

  it('the default threshold (0.95) does not take that paraphrase for the same question', async () => {
    const g = await start();
    await primed(g, HASH_MAP);
    assert.equal((await chat(g, PARAPHRASE)).headers.get('x-gateway-cache'), 'miss');
    assert.equal(calls(upstream), 2);
  });

  it('a long prompt is embedded in the worker pool and matches a near-identical one', async () => {
    const g = await start();
    const long = 'Summarise the following meeting notes for the team, keeping decisions and owners. '.repeat(20); // 1,660 chars
    await primed(g, long);
    const r = await chat(g, long.replace('keeping decisions', 'keep the decisions'));
    assert.equal(r.headers.get('x-gateway-cache'), 'hit');
    assert.ok(Number(r.headers.get('x-gateway-cache-similarity')) >= 0.95);
    assert.equal(calls(upstream), 1);
  });

  it('numbers must match for a semantic hit (exact_numbers)', async () => {
    const g = await start('{ similarity_threshold: 0.5 }');
    await primed(g, "Convert 100 US dollars to euros at today's rate.");
    const r = await chat(g, "Convert 150 US dollars to euros at today's rate.");
    assert.equal(r.headers.get('x-gateway-cache'), 'miss');
    assert.equal(calls(upstream), 2);
  });

  it('a different prompt misses', async () => {
    const g = await start();
    await primed(g, 'tell me about cats');
    const r = await chat(g, 'write a limerick about the sea');
    assert.equal(r.headers.get('x-gateway-cache'), 'miss');
    assert.equal(calls(upstream), 2);
  });

  it('answer-changing parameters and the conversation before the prompt are part of the scope', async () => {
    const g = await start('{ similarity_threshold: 0.5 }');
    await primed(g, HASH_MAP, { temperature: 0 });
    for (const extra of [{ temperature: 0.5 }, { temperature: 0, max_tokens: 50 }, { temperature: 0, seed: 7 }, { temperature: 0, stop: ['\n'] }]) {
      const r = await chat(g, HASH_MAP, extra);
      assert.equal(r.headers.get('x-gateway-cache'), 'miss', JSON.stringify(extra));
    }
    const withSystem = await postJson(
      `${g.url}/v1/chat/completions`,
      {
        model: 'm',
        temperature: 0,
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: HASH_MAP },
        ],
      },
      { authorization: `Bearer ${KEY_A}` },
    );
    assert.equal(withSystem.headers.get('x-gateway-cache'), 'miss');
    assert.equal(calls(upstream), 6);
    // Neutral fields do not split the scope: key order, `user`, stream_options.
    const same = await postJson(
      `${g.url}/v1/chat/completions`,
      { temperature: 0, user: 'someone', messages: [{ content: HASH_MAP, role: 'user' }], model: 'm' },
      { authorization: `Bearer ${KEY_A}` },
    );
    assert.equal(same.headers.get('x-gateway-cache'), 'hit');
  });

  it('partitions by API key by default; partition_by none shares', async () => {
    let g = await start();
    await primed(g, 'a shared question');
    const b = await chat(g, 'a shared question', {}, {}, KEY_B);
    assert.equal(b.headers.get('x-gateway-cache'), 'miss', "key B must not see key A's answer");
    assert.equal(calls(upstream), 2);
    await g.stop();
    g = await start('{ partition_by: none }');
    await primed(g, 'a shared question');
    assert.equal((await chat(g, 'a shared question', {}, {}, KEY_B)).headers.get('x-gateway-cache'), 'hit');
  });

  it('a stream is stored when it ends, then replayed as valid SSE with usage', async () => {
    const g = await start();
    upstream.behave.reply = 'streamed words come here';
    const url = `${g.url}/v1/chat/completions`;
    const body = { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream me' }] };
    const auth = { authorization: `Bearer ${KEY_A}` };
    const first = await stream(url, body, auth);
    assert.equal(first.headers.get('x-gateway-cache'), 'miss');
    await until(async () => (await metric(g, 'gateway_cache_requests_total', 'result="store"')) === 1);
    upstream.behave.reply = 'something else';
    const replay = await stream(url, body, auth);
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(replay.headers.get('x-gateway-cache'), 'hit');
    assert.ok(replay.done, 'ends with [DONE]');
    assert.equal(textOf(replay), 'streamed words come here');
    assert.equal(replay.events[0]!.object, 'chat.completion.chunk');
    assert.equal(replay.events[0]!.choices[0].delta.role, 'assistant');
    assert.equal(replay.events.find((e) => e.choices?.[0]?.finish_reason)?.choices[0].finish_reason, 'stop');
    assert.deepEqual(replay.events.at(-1)!.usage, first.events.at(-1)!.usage);
    assert.equal(calls(upstream), 1);
    // The same entry answers a non-streamed request.
    const json = await chat(g, 'stream me');
    assert.equal(json.headers.get('x-gateway-cache'), 'hit');
    assert.equal(json.json.choices[0].message.content, 'streamed words come here');
  });

  it('a streamed request is answered from a non-streamed entry (no usage chunk unless asked)', async () => {
    const g = await start();
    await primed(g, 'json first');
    const s = await stream(
      `${g.url}/v1/chat/completions`,
      { model: 'm', stream: true, messages: [{ role: 'user', content: 'json first' }] },
      { authorization: `Bearer ${KEY_A}` },
    );
    assert.equal(s.headers.get('x-gateway-cache'), 'hit');
    assert.equal(textOf(s), 'first answer');
    assert.ok(s.done);
    assert.ok(
      s.events.every((e) => !e.usage),
      'usage only when stream_options.include_usage',
    );
    assert.equal(calls(upstream), 1);
  });

  it('a stream cut mid-answer and an upstream error are not stored', async () => {
    const g = await start();
    upstream.behave.cutAfterChunks = 1;
    upstream.behave.reply = 'one two three';
    await stream(
      `${g.url}/v1/chat/completions`,
      { model: 'm', stream: true, messages: [{ role: 'user', content: 'cut' }] },
      { authorization: `Bearer ${KEY_A}` },
    );
    upstream.behave = { ...upstream.behave, cutAfterChunks: undefined, status: 500 };
    assert.ok((await chat(g, 'fails')).status >= 500);
    upstream.behave.status = undefined;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await metric(g, 'gateway_cache_requests_total', 'result="store"'), 0);
    assert.equal((await chat(g, 'cut')).headers.get('x-gateway-cache'), 'miss');
    assert.equal((await chat(g, 'fails')).headers.get('x-gateway-cache'), 'miss');
  });

  it('a config reload keeps the cache (same store settings); changed settings start a new one', async () => {
    const g = await start('{ similarity_threshold: 0.9 }');
    await primed(g, 'survive a reload');
    await g.writeConfig(cacheConfig({ upstream, cache: '{ similarity_threshold: 0.97 }' }));
    assert.equal((await g.runtime.reload()).ok, true);
    assert.equal((await chat(g, 'survive a reload')).headers.get('x-gateway-cache'), 'hit');
    await g.writeConfig(cacheConfig({ upstream, cache: '{ ttl_seconds: 60 }' }));
    assert.equal((await g.runtime.reload()).ok, true);
    assert.equal((await chat(g, 'survive a reload')).headers.get('x-gateway-cache'), 'miss');
  });

  it('entries expire after ttl_seconds', async () => {
    const g = await start('{ ttl_seconds: 1 }');
    await primed(g, 'short lived');
    assert.equal((await chat(g, 'short lived')).headers.get('x-gateway-cache'), 'hit');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await chat(g, 'short lived')).headers.get('x-gateway-cache'), 'miss');
    assert.equal(calls(upstream), 2);
  });

  it('cache-control: no-cache bypasses the lookup but refreshes the entry; no-store is not stored', async () => {
    const g = await start();
    await primed(g, 'fresh please');
    upstream.behave.reply = 'newer answer';
    const before = await metric(g, 'gateway_cache_requests_total', 'result="store"');
    const fresh = await chat(g, 'fresh please', {}, { 'cache-control': 'no-cache' });
    assert.equal(fresh.headers.get('x-gateway-cache'), 'bypass');
    assert.equal(fresh.json.choices[0].message.content, 'newer answer');
    assert.equal(calls(upstream), 2);
    await until(async () => (await metric(g, 'gateway_cache_requests_total', 'result="store"')) > before);
    assert.equal((await chat(g, 'fresh please')).json.choices[0].message.content, 'newer answer');

    const ns = await chat(g, 'do not keep', {}, { 'cache-control': 'no-store' });
    assert.equal(ns.headers.get('x-gateway-cache'), 'miss');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await chat(g, 'do not keep')).headers.get('x-gateway-cache'), 'miss');
    assert.equal(calls(upstream), 4);
  });

  it('n > 1 and temperature above max_temperature bypass the cache', async () => {
    const g = await start('{ max_temperature: 0.7 }');
    for (const extra of [{ n: 2 }, { temperature: 1.2 }]) {
      await chat(g, 'varied', extra);
      await new Promise((r) => setTimeout(r, 30));
      const r = await chat(g, 'varied', extra);
      assert.equal(r.headers.get('x-gateway-cache'), 'bypass', JSON.stringify(extra));
    }
    assert.equal(calls(upstream), 4);
    assert.equal(await metric(g, 'gateway_cache_requests_total', 'result="bypass"'), 4);
  });

  it("/v1/messages (Anthropic) is cached too, and served in Anthropic's shape, streamed or not", async () => {
    const g = await start();
    const url = `${g.url}/v1/messages`;
    const body = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'bonjour' }] };
    const auth = { 'x-api-key': KEY_A };
    const first = await postJson(url, body, auth);
    assert.equal(first.status, 200);
    await until(async () => (await metric(g, 'gateway_cache_requests_total', 'result="store"')) === 1);
    const hit = await postJson(url, body, auth);
    assert.equal(hit.headers.get('x-gateway-cache'), 'hit');
    assert.equal(hit.json.type, 'message');
    assert.equal(hit.json.content[0].text, 'first answer');
    assert.match(hit.json.id, /^msg_/);
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ ...body, stream: true }) });
    const text = await r.text();
    assert.equal(r.headers.get('x-gateway-cache'), 'hit');
    assert.match(text, /event: message_start/);
    assert.match(text, /"text_delta","text":"first answer"/);
    assert.match(text, /event: message_stop/);
    assert.equal(calls(upstream), 1);
  });

  it('a cache placed above auth is refused at load', async () => {
    const yaml = cacheConfig({ upstream }).replace('  - use: auth\n', '').replace('  - use: provider', '  - use: auth\n  - use: provider');
    await assert.rejects(startTestGateway(yaml), /semantic-cache .*must come after auth/);
  });
});
