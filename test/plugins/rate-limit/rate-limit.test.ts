import assert from 'node:assert/strict';
import rateLimit, { type RateLimitConfig } from '../../../src/plugins-builtin/rate-limit/index.ts';
import { createMemoryLimiter } from '../../../src/plugins-builtin/rate-limit/memory-limiter.ts';
import { createRedisLimiter } from '../../../src/plugins-builtin/rate-limit/redis-limiter.ts';
import { reservedTokens } from '../../../src/plugins-builtin/rate-limit/estimate.ts';
import { formatReset } from '../../../src/plugins-builtin/rate-limit/headers.ts';
import { createRedisStateStore } from '../../../src/engine/stores/redis-state.ts';
import type { GatewayError } from '../../../src/engine/errors.ts';
import { cleanup, fakeCtx, fakeEnv, silent, type FakeEnv } from '../auth/fake.ts';

const base: RateLimitConfig = { limits: [], key_limits: true, on_store_error: 'open', concurrency_lease_ms: 600_000, headers: true };
const principal = (keyId: string) => ({ keyId, keyPrefix: 'gw-x…' });

for (const kind of ['memory', 'redis'] as const) {
  describe(`rate-limit plugin (${kind})`, () => {
    let env: FakeEnv;
    beforeEach(async () => {
      env = fakeEnv(kind);
      if (env.state.redis && env.state.redis.status !== 'ready') await new Promise((r) => env.state.redis!.once('ready', r));
    });
    afterEach(async () => {
      await cleanup(env);
    });

    it('admits exactly rpm requests per key, then 429 with Retry-After and headers', async () => {
      const p = await rateLimit.create({ ...base, limits: [{ per: 'key', rpm: 5 }] }, env);
      const codes: string[] = [];
      let last: GatewayError | undefined;
      let firstHeaders: Record<string, string> = {};
      for (let i = 0; i < 8; i++) {
        const ctx = fakeCtx();
        ctx.principal = principal('k1');
        try {
          await p.onRequest!(ctx);
          codes.push('ok');
          if (i === 0) firstHeaders = { ...ctx.responseHeaders };
        } catch (e) {
          last = e as GatewayError;
          codes.push(last.code);
        }
      }
      assert.deepEqual(codes, ['ok', 'ok', 'ok', 'ok', 'ok', 'GW_ERR_RATE_LIMITED', 'GW_ERR_RATE_LIMITED', 'GW_ERR_RATE_LIMITED']);
      assert.equal(firstHeaders['x-ratelimit-limit-requests'], '5');
      assert.equal(firstHeaders['x-ratelimit-remaining-requests'], '4');
      assert.equal(last!.retryAfter, 60);
      assert.equal(last!.headers!['x-ratelimit-remaining-requests'], '0');
      const other = fakeCtx();
      other.principal = principal('k2');
      await p.onRequest!(other); // another key has its own bucket
    });

    it('the limits stored on the key apply on top of the config', async () => {
      const p = await rateLimit.create(base, env);
      let ok = 0;
      for (let i = 0; i < 4; i++) {
        const ctx = fakeCtx();
        ctx.principal = { ...principal('k3'), limits: { rpm: 2 } };
        try {
          await p.onRequest!(ctx);
          ok++;
        } catch {
          /* limited */
        }
      }
      assert.equal(ok, 2);
    });

    it('tokens: the estimate is reserved, then settled to real usage in onDone', async () => {
      const p = await rateLimit.create({ ...base, limits: [{ per: 'ip', tpm: 100 }] }, env);
      const body = { model: 'mock-gpt', messages: [{ role: 'user', content: 'x'.repeat(40) }], max_tokens: 50 }; // 10 + 50 = 60
      const a = fakeCtx({ body });
      await p.onRequest!(a);
      assert.equal(a.responseHeaders['x-ratelimit-remaining-tokens'], '40');
      await assert.rejects(Promise.resolve(p.onRequest!(fakeCtx({ body }))), { code: 'GW_ERR_RATE_LIMITED' });
      a.usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
      p.onDone!(a);
      await new Promise((r) => setTimeout(r, 20));
      const b = fakeCtx({ body });
      await p.onRequest!(b);
      assert.equal(b.responseHeaders['x-ratelimit-remaining-tokens'], String(100 - 15 - 60));
    });

    it('concurrency slots are held until onDone, and freed once only', async () => {
      const p = await rateLimit.create({ ...base, limits: [{ per: ['key', 'model'], concurrency: 2 }] }, env);
      const mk = () => {
        const c = fakeCtx();
        c.principal = principal('k4');
        return c;
      };
      const a = mk();
      const b = mk();
      await p.onRequest!(a);
      await p.onRequest!(b);
      await assert.rejects(Promise.resolve(p.onRequest!(mk())), { code: 'GW_ERR_RATE_LIMITED' });
      p.onDone!(a);
      p.onDone!(a);
      await new Promise((r) => setTimeout(r, 20));
      await p.onRequest!(mk());
      await assert.rejects(Promise.resolve(p.onRequest!(mk())), { code: 'GW_ERR_RATE_LIMITED' }, 'a double onDone freed one slot only');
    });

    it('a refused request consumes nothing in its other buckets (all-or-nothing)', async () => {
      const p = await rateLimit.create(
        {
          ...base,
          limits: [
            { per: 'ip', rpm: 100 },
            { per: 'key', rpm: 1 },
          ],
        },
        env,
      );
      const mk = () => {
        const c = fakeCtx();
        c.principal = principal('k5');
        return c;
      };
      await p.onRequest!(mk());
      await assert.rejects(Promise.resolve(p.onRequest!(mk())));
      await assert.rejects(Promise.resolve(p.onRequest!(mk())));
      const c = fakeCtx();
      await p.onRequest!(c);
      assert.equal(c.responseHeaders['x-ratelimit-remaining-requests'], String(100 - 2));
    });
  });
}

describe('rate-limit limiters: the sliding log expires entries exactly', () => {
  it('memory: an entry frees its units when its window passes', async () => {
    let now = 1_000_000;
    const l = createMemoryLimiter(() => now);
    const req = [{ key: 'b', limit: 2, ttlMs: 1000, cost: 1 }];
    assert.equal((await l.acquire('1', req)).failed, -1);
    now += 500;
    assert.equal((await l.acquire('2', req)).failed, -1);
    const refused = await l.acquire('3', req);
    assert.equal(refused.failed, 0);
    assert.equal(refused.states[0]!.resetMs, 500);
    now += 500;
    assert.equal((await l.acquire('4', req)).failed, -1, 'the first entry expired');
    assert.equal((await l.acquire('5', req)).failed, 0);
  });

  it('redis: same behaviour under Redis time', async () => {
    const state = createRedisStateStore('redis://127.0.0.1:6379', `test:rlunit:${Date.now()}:`, silent);
    const l = createRedisLimiter(state);
    const req = [{ key: 'b', limit: 2, ttlMs: 300, cost: 1 }];
    await new Promise((r) => state.redis!.once('ready', r));
    assert.equal((await l.acquire('1', req)).failed, -1);
    assert.equal((await l.acquire('2', req)).failed, -1);
    const refused = await l.acquire('3', req);
    assert.equal(refused.failed, 0);
    assert.ok(refused.states[0]!.resetMs > 0 && refused.states[0]!.resetMs <= 300);
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await l.acquire('4', req)).failed, -1);
    await state.redis!.del(...(await state.redis!.keys(`${state.prefix}*`)));
    await state.close();
  });
});

describe('rate-limit: Redis unreachable', () => {
  const down = () => {
    const env = fakeEnv('memory');
    const state = createRedisStateStore('redis://127.0.0.1:1', 'test:down:', silent);
    return { ...env, stores: { state, db: env.db }, state };
  };

  it('fails open by default, counting gateway_ratelimit_store_errors_total', async () => {
    const env = down();
    const p = await rateLimit.create({ ...base, limits: [{ per: 'ip', rpm: 1 }] }, env);
    for (let i = 0; i < 3; i++) await p.onRequest!(fakeCtx());
    const metric = await env.metrics.registry.getSingleMetricAsString('gateway_ratelimit_store_errors_total');
    assert.match(metric, /gateway_ratelimit_store_errors_total 3/);
    await env.state.close();
    await env.db.close();
  });

  it('fails closed with 503 when configured', async () => {
    const env = down();
    const p = await rateLimit.create({ ...base, on_store_error: 'closed', limits: [{ per: 'ip', rpm: 1 }] }, env);
    await assert.rejects(Promise.resolve(p.onRequest!(fakeCtx())), { code: 'GW_ERR_LIMITER_UNAVAILABLE' });
    await env.state.close();
    await env.db.close();
  });
});

describe('rate-limit helpers', () => {
  it('estimates chars/4 of the messages plus max_tokens', () => {
    assert.equal(reservedTokens({ messages: [{ content: 'abcdefgh' }, { content: [{ type: 'text', text: 'abcd' }] }], max_tokens: 7 }), 3 + 7);
    assert.equal(reservedTokens({ input: ['abcd', 'abcd'] }), 2);
    assert.equal(reservedTokens(undefined), 0);
  });
  it('formats resets as OpenAI does', () => {
    assert.equal(formatReset(20), '20ms');
    assert.equal(formatReset(6000), '6s');
    assert.equal(formatReset(90_000), '1m30s');
  });
});
