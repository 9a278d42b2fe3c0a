import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { deleteRedisPrefix } from '../../helpers/redis.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { cacheConfig, calls, chat, KEY_A, metric, stream, textOf, until } from './helpers.ts';
import { relay } from '../../helpers/redis-relay.ts';

const REDIS = 'redis://127.0.0.1:6379';

describe('semantic-cache on Redis', function () {
  this.timeout(15_000);
  let upstream: FakeOpenAI;
  let prefix: string;
  const gws: TestGateway[] = [];
  const start = async (cache = '{ similarity_threshold: 0.85 }', url = REDIS, auth = true) => {
    const g = await startTestGateway(cacheConfig({ upstream, cache, auth, state: `{ type: redis, url: "${url}", prefix: "${prefix}" }` }), {
      captureLogs: true,
    });
    gws.push(g);
    return g;
  };
  const stores = (g: TestGateway) => metric(g, 'gateway_cache_requests_total', 'result="store"');

  beforeEach(async () => {
    prefix = `test:semcache:${randomBytes(6).toString('hex')}:`;
    upstream = await startFakeOpenAI({ reply: 'from replica one' });
  });
  afterEach(async () => {
    for (const g of gws.splice(0)) await g.stop();
    await upstream.close();
    await deleteRedisPrefix(prefix);
  });

  it('two gateways share entries: exact and semantic hits on the other replica, under the store prefix', async () => {
    const one = await start();
    const two = await start();
    await chat(one, 'Explain how a hash map works in simple terms.');
    await until(async () => (await stores(one)) === 1);
    upstream.behave.reply = 'from replica two';
    const exact = await chat(two, 'Explain how a hash map works in simple terms.');
    assert.equal(exact.headers.get('x-gateway-cache'), 'hit');
    assert.equal(exact.json.choices[0].message.content, 'from replica one');
    const para = await chat(two, 'Please explain how a hash map works, in simple terms.');
    assert.equal(para.headers.get('x-gateway-cache'), 'hit');
    assert.ok(Number(para.headers.get('x-gateway-cache-similarity')) >= 0.85);
    assert.equal(calls(upstream), 1);
    // A later answer stored by replica two reaches replica one's local vector mirror.
    await chat(two, 'Describe the water cycle for a child.');
    await until(async () => (await stores(two)) === 1);
    const back = await chat(one, 'Describe the water cycle for a child, please.');
    assert.equal(back.headers.get('x-gateway-cache'), 'hit');
    assert.equal(back.json.choices[0].message.content, 'from replica two');
    const r = new Redis(REDIS);
    const keys = await r.keys(`${prefix}sc:*`);
    r.disconnect();
    assert.ok(keys.some((k) => k.startsWith(`${prefix}sc:e:`)) && keys.some((k) => k.startsWith(`${prefix}sc:s:`)), keys.join(' '));
  });

  it('a stream stored by one replica is replayed by the other; entries carry the TTL', async () => {
    const one = await start('{ ttl_seconds: 30 }');
    const two = await start('{ ttl_seconds: 30 }');
    const body = { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream via redis' }] };
    const auth = { authorization: `Bearer ${KEY_A}` };
    await stream(`${one.url}/v1/chat/completions`, body, auth);
    await until(async () => (await stores(one)) === 1);
    const replay = await stream(`${two.url}/v1/chat/completions`, body, auth);
    assert.equal(replay.headers.get('x-gateway-cache'), 'hit');
    assert.equal(textOf(replay), 'from replica one');
    assert.ok(replay.done);
    assert.equal(replay.events.at(-1)!.usage.total_tokens, 14);
    const r = new Redis(REDIS);
    const [entry] = await r.keys(`${prefix}sc:e:*`);
    const ttl = await r.pttl(entry!);
    r.disconnect();
    assert.ok(ttl > 25_000 && ttl <= 30_000, `pttl ${ttl}`);
  });

  it('entries expire through Redis TTL', async () => {
    const g = await start('{ ttl_seconds: 1 }');
    await chat(g, 'brief');
    await until(async () => (await stores(g)) === 1);
    assert.equal((await chat(g, 'brief')).headers.get('x-gateway-cache'), 'hit');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await chat(g, 'brief')).headers.get('x-gateway-cache'), 'miss');
  });

  it('Redis down: requests are answered uncached (bypass), counted as errors, never failed', async () => {
    const g = await start('{}', 'redis://127.0.0.1:1');
    for (let i = 0; i < 2; i++) {
      const r = await chat(g, 'is anyone there');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-gateway-cache'), 'bypass');
      assert.equal(r.json.choices[0].message.content, 'from replica one');
    }
    assert.equal(calls(upstream), 2);
    assert.equal(await metric(g, 'gateway_cache_requests_total', 'result="error"'), 2);
    assert.equal(await metric(g, 'gateway_cache_requests_total', 'result="bypass"'), 2);
    const failures = g.logs.filter((l) => l.includes('semantic-cache store unreachable; bypassing the cache') && l.includes('"op":"lookup"'));
    assert.equal(failures.length, 1, 'logged once per outage');
    assert.ok(!g.logs.some((l) => l.includes('is anyone there')), 'the prompt never reaches the logs');
  });

  it('a Redis that stops answering: the lookup is abandoned after lookup_timeout_ms (bypass)', async () => {
    const r = await relay();
    const g = await start('{ lookup_timeout_ms: 150 }', r.url);
    try {
      await chat(g, 'slow store');
      await until(async () => (await stores(g)) === 1);
      r.freeze();
      const t = Date.now();
      const res = await chat(g, 'slow store');
      const took = Date.now() - t;
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-gateway-cache'), 'bypass');
      assert.ok(took >= 150 && took < 1500, `took ${took} ms`);
      assert.equal(calls(upstream), 2);
    } finally {
      r.thaw();
      await gws.pop()!.stop();
      await r.cut();
    }
  });

  it('Redis lost while serving: bypass meanwhile, hits again once it is back', async () => {
    let r = await relay();
    const g = await start('{}', r.url);
    await chat(g, 'survive an outage');
    await until(async () => (await stores(g)) === 1);
    assert.equal((await chat(g, 'survive an outage')).headers.get('x-gateway-cache'), 'hit');
    await r.cut();
    const during = await chat(g, 'survive an outage');
    assert.equal(during.status, 200);
    assert.equal(during.headers.get('x-gateway-cache'), 'bypass');
    assert.equal(calls(upstream), 2);
    assert.ok(!g.logs.some((l) => l.includes(KEY_A) || l.includes('survive an outage')), 'no key or prompt in the logs');
    r = await relay(r.port);
    try {
      await until(async () => (await chat(g, 'survive an outage')).headers.get('x-gateway-cache') === 'hit', 5000);
      assert.ok(
        g.logs.some((l) => l.includes('semantic-cache store reachable again')),
        'the recovery is logged',
      );
    } finally {
      // Stopped while Redis is reachable: closing auth's key-change subscription waits for Redis.
      await gws.pop()!.stop();
      await r.cut();
    }
  });
});
