import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { freePort, startRedisServer, type RedisProcess } from '../../helpers/redis-servers.ts';

const config = (port: number, mode: 'open' | 'closed') => `version: 1
stores: { state: { type: redis, url: "redis://127.0.0.1:${port}", prefix: "test:outage:" }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline:
  - use: metrics
  - use: rate-limit
    config: { on_store_error: ${mode}, limits: [ { per: ip, rpm: 5 } ] }
  - use: provider
`;

const ask = (gw: TestGateway) => postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] });

async function eventually(fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('rate limits when Redis goes away and comes back', function () {
  this.timeout(30_000);
  for (const mode of ['closed', 'open'] as const) {
    it(`fails ${mode} during the outage, counts it, and recovers by itself`, async () => {
      const port = await freePort();
      let redis = await startRedisServer(port);
      const gw = await startTestGateway(config(port, mode));
      try {
        assert.equal((await ask(gw)).status, 200);
        await redis.stop();
        const during = await ask(gw);
        if (mode === 'closed') {
          assert.equal(during.status, 503);
          assert.equal(during.json.error.code, 'limiter_unavailable');
        } else {
          assert.equal(during.status, 200);
          assert.equal(during.headers.get('x-ratelimit-limit-requests'), null, 'no limit was applied');
        }
        const m = await (await fetch(`${gw.url}/metrics`)).text();
        assert.match(m, /gateway_ratelimit_store_errors_total(\{[^}]*\})? [1-9]/);

        redis = await startRedisServer(port);
        // Recovery: the limiter answers again (its headers are back: failing open sends none),
        // and requests are limited again — the 6th in this minute is refused.
        const limited = async () => {
          const r = await ask(gw);
          return r.status === 200 && r.headers.get('x-ratelimit-limit-requests') === '5';
        };
        assert.ok(await eventually(limited, 10_000), 'did not recover');
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await ask(gw)).status);
        assert.ok(statuses.includes(429), `limit not enforced after recovery: ${statuses}`);
      } finally {
        await gw.stop();
        await redis.stop();
      }
    });
  }
});

describe('a gateway whose Redis is down when it starts', function () {
  this.timeout(30_000);
  const withAuth = (port: number) => `version: 1
stores: { state: { type: redis, url: "redis://127.0.0.1:${port}", prefix: "test:down-at-start:" }, db: { type: memory } }
keys: [ { name: ci, key: "sk-down-at-start-0123456789abcdef" } ]
providers: { local: { type: mock } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline: [ { use: auth }, { use: provider } ]
`;

  it('starts, serves, reports not ready until Redis is back, and stops promptly', async () => {
    const port = await freePort();
    // Auth subscribes to key-change events at start; with Redis down that must not block.
    const t0 = Date.now();
    const gw = await startTestGateway(withAuth(port));
    let stopped = false;
    let redis: RedisProcess | undefined;
    try {
      assert.ok(Date.now() - t0 < 5000, `started in ${Date.now() - t0} ms`);
      const r = await postJson(
        `${gw.url}/v1/chat/completions`,
        { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] },
        { authorization: 'Bearer sk-down-at-start-0123456789abcdef' },
      );
      assert.equal(r.status, 200);
      assert.equal((await fetch(`${gw.url}/readyz`)).status, 503);
      // Redis comes up: the subscription made while it was down is now live.
      redis = await startRedisServer(port);
      assert.ok(await eventually(async () => (await fetch(`${gw.url}/readyz`)).status === 200, 10_000), 'ready once Redis answers');
      const t1 = Date.now();
      await gw.stop();
      stopped = true;
      assert.ok(Date.now() - t1 < 5000, `stopped in ${Date.now() - t1} ms`);
    } finally {
      if (!stopped) await gw.stop();
      if (redis) await redis.stop();
    }
  });

  it('stops promptly while Redis is still down', async () => {
    const gw = await startTestGateway(withAuth(await freePort()));
    const t1 = Date.now();
    await gw.stop();
    assert.ok(Date.now() - t1 < 5000, `stopped in ${Date.now() - t1} ms`);
  });
});
