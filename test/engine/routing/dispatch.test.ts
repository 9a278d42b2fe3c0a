import assert from 'node:assert/strict';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { compilePolicy } from '../../../src/engine/routing/policy.ts';
import { seededRng } from '../../../src/engine/routing/rng.ts';
import { gatewayError } from '../../../src/engine/errors.ts';
import { MetricsRegistry } from '../../../src/engine/metrics.ts';
import { catalogOf, context, deployment, ok, chunk, streamOf, drain, sleepAbortable } from './helpers.ts';

const signal = () => new AbortController().signal;

describe('routing/dispatch', () => {
  it('keeps answering when one of two deployments is dead, under concurrent load', async () => {
    const a = deployment('pa/m', 'chat'),
      b = deployment('pb/m', 'chat');
    const cat = catalogOf([a, b], {
      pa: () => {
        throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus: 503 });
      },
      pb: () => ok('from b'),
    });
    const state = new RoutingState();
    const policy = compilePolicy({ strategy: 'round-robin', breaker: { failure_threshold: 5 } });
    const results: Array<PromiseSettledResult<{ ctx: ReturnType<typeof context> }>> = [];
    for (let wave = 0; wave < 10; wave++) {
      results.push(
        ...(await Promise.allSettled(
          Array.from({ length: 10 }, () => {
            const ctx = context({ model: 'chat' });
            return dispatch(ctx, signal(), { catalog: cat, state, policy }).then(() => ({ ctx }));
          }),
        )),
      );
    }
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0);
    for (const r of results) if (r.status === 'fulfilled') assert.equal(r.value.ctx.deployment?.id, 'pb/m');
    // The breaker opened after 5 consecutive failures (first wave) and shed the dead deployment.
    assert.equal(state.peekBreaker('pa/m')?.state, 'open');
    assert.ok((cat.calls.get('pa/m') ?? 0) <= 10, `dead deployment called ${cat.calls.get('pa/m')} times`);
  });

  it('waits for Retry-After before retrying a rate-limited deployment', async () => {
    const a = deployment('pa/m', 'chat', { retry: { attempts: 2, base_delay_ms: 1, max_delay_ms: 5 } });
    let n = 0;
    const times: number[] = [];
    const cat = catalogOf([a], {
      pa: () => {
        times.push(performance.now());
        if (n++ === 0) throw gatewayError('GW_ERR_PROVIDER_RATE_LIMITED', { retryAfter: 1, upstreamStatus: 429 });
        return ok();
      },
    });
    const ctx = context({ model: 'chat' });
    await dispatch(ctx, signal(), { catalog: cat, state: new RoutingState(), policy: compilePolicy() });
    assert.equal(times.length, 2);
    const delay = times[1]! - times[0]!;
    assert.ok(delay >= 990, `retried after ${delay.toFixed(0)} ms, Retry-After was 1 s`);
    assert.equal(ctx.responseHeaders['x-gateway-attempts'], '2');
  });

  it('caps Retry-After at retry_after_cap_ms', async () => {
    let n = 0;
    const times: number[] = [];
    const cat = catalogOf([deployment('pa/m', 'chat')], {
      pa: () => {
        times.push(performance.now());
        if (n++ === 0) throw gatewayError('GW_ERR_PROVIDER_RATE_LIMITED', { retryAfter: 3600 });
        return ok();
      },
    });
    await dispatch(context({ model: 'chat' }), signal(), { catalog: cat, state: new RoutingState(), policy: compilePolicy({ retry_after_cap_ms: 50 }) });
    assert.ok(times[1]! - times[0]! < 1000);
    assert.ok(times[1]! - times[0]! >= 45);
  });

  it('does not retry a client error (400) and sends it as it is', async () => {
    const cat = catalogOf([deployment('pa/m', 'chat'), deployment('pb/m', 'chat')], {
      pa: () => {
        throw gatewayError('GW_ERR_PROVIDER_BAD_REQUEST', { upstreamStatus: 400 });
      },
      pb: () => {
        throw gatewayError('GW_ERR_PROVIDER_BAD_REQUEST', { upstreamStatus: 400 });
      },
    });
    await assert.rejects(dispatch(context({ model: 'chat' }), signal(), { catalog: cat, state: new RoutingState(), policy: compilePolicy() }), {
      code: 'GW_ERR_PROVIDER_BAD_REQUEST',
    });
    assert.equal(
      [...cat.calls.values()].reduce((x, y) => x + y, 0),
      1,
    );
  });

  it('retries a 5xx with back-off, then gives up with the upstream error after retry.attempts', async () => {
    const cat = catalogOf([deployment('pa/m', 'chat', { retry: { attempts: 3, base_delay_ms: 2, max_delay_ms: 4 } })], {
      pa: () => {
        throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus: 502 });
      },
    });
    await assert.rejects(dispatch(context({ model: 'chat' }), signal(), { catalog: cat, state: new RoutingState(), policy: compilePolicy() }), {
      code: 'GW_ERR_UPSTREAM_UNAVAILABLE',
    });
    assert.equal(cat.calls.get('pa/m'), 3);
  });

  it('falls back to a bigger-window model on context_length_exceeded', async () => {
    const small = deployment('pa/small', 'small'),
      big = deployment('pb/big', 'big');
    const cat = catalogOf([small, big], {
      pa: () => {
        throw gatewayError('GW_ERR_CONTEXT_LENGTH_EXCEEDED', { upstreamStatus: 400 });
      },
      pb: () => ok('big'),
    });
    const ctx = context({ model: 'small' });
    const policy = compilePolicy({ fallbacks: { small: { context_length_exceeded: ['big'], any: ['nope'] } } });
    await dispatch(ctx, signal(), { catalog: cat, state: new RoutingState(), policy });
    assert.equal(ctx.deployment?.id, 'pb/big');
    assert.match(ctx.responseHeaders['x-gateway-route-reason']!, /fallback\(context_length_exceeded\)->big/);
    assert.equal(cat.calls.get('pa/small'), 1);
  });

  it('completes a stream through the fallback when the upstream dies before the first byte', async () => {
    const a = deployment('pa/m', 'chat'),
      b = deployment('pb/m', 'backup');
    const cat = catalogOf([a, b], {
      pa: () => streamOf([chunk('never')], { index: 0, err: gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { message: 'reset' }) }),
      pb: () => streamOf([chunk('Hello'), chunk(' world')]),
    });
    const ctx = context({ model: 'chat', stream: true });
    const res = await dispatch(ctx, signal(), {
      catalog: cat,
      state: new RoutingState(),
      policy: compilePolicy({ fallbacks: { chat: { unavailable: ['backup'] } } }),
    });
    assert.equal(await drain(res), 'Hello world');
    assert.equal(ctx.deployment?.id, 'pb/m');
  });

  it('never retries a stream after its first event: the error reaches the consumer', async () => {
    const cat = catalogOf([deployment('pa/m', 'chat'), deployment('pb/m', 'chat')], {
      pa: () => streamOf([chunk('Hel'), chunk('lo')], { index: 1, err: gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE') }),
      pb: () => streamOf([chunk('Hel'), chunk('lo')], { index: 1, err: gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE') }),
    });
    const res = await dispatch(context({ model: 'chat', stream: true }), signal(), { catalog: cat, state: new RoutingState(), policy: compilePolicy() });
    await assert.rejects(drain(res), { code: 'GW_ERR_UPSTREAM_UNAVAILABLE' });
    assert.equal(
      [...cat.calls.values()].reduce((x, y) => x + y, 0),
      1,
    );
  });

  it('hedges a slow deployment: the second wins and the first is aborted', async () => {
    let aborted = false;
    const cat = catalogOf([deployment('pa/m', 'chat'), deployment('pb/m', 'chat')], {
      pa: async (_b, call) => {
        call.signal.addEventListener('abort', () => {
          aborted = true;
        });
        await sleepAbortable(2000, call.signal);
        return ok('slow');
      },
      pb: async () => ok('fast'),
    });
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const state = new RoutingState(metrics);
    const policy = compilePolicy({ strategy: 'round-robin', hedging: { chat: { delay_ms: 30 } }, hedge_budget: { max_fraction: 1 } });
    const ctx = context({ model: 'chat' });
    const t0 = performance.now();
    const res = await dispatch(ctx, signal(), { catalog: cat, state, policy });
    assert.ok(performance.now() - t0 < 1500);
    assert.equal(ctx.deployment?.id, 'pb/m');
    assert.equal((res as { body: { choices: Array<{ message: { content: string } }> } }).body.choices[0]!.message.content, 'fast');
    assert.equal(aborted, true);
    assert.match(ctx.responseHeaders['x-gateway-route-reason']!, /hedge-won/);
    const text = (await metrics.render()).body;
    assert.match(text, /gateway_hedges_total\{outcome="launched"\} 1/);
    assert.match(text, /gateway_hedges_total\{outcome="won"\} 1/);
  });

  it('skips the hedge when the hedge budget is spent', async () => {
    const cat = catalogOf([deployment('pa/m', 'chat'), deployment('pb/m', 'chat')], {
      pa: async () => {
        await new Promise((r) => setTimeout(r, 60));
        return ok('slow');
      },
      pb: async () => ok('fast'),
    });
    const state = new RoutingState(new MetricsRegistry({ defaultMetrics: false }));
    const policy = compilePolicy({ strategy: 'round-robin', hedging: { chat: { delay_ms: 5 } }, hedge_budget: { max_fraction: 0 } });
    const ctx = context({ model: 'chat' });
    await dispatch(ctx, signal(), { catalog: cat, state, policy, rng: seededRng(1) });
    assert.equal(ctx.attempts, 1);
    assert.match((await state.metrics!.hedges.get()).values.map((v) => `${v.labels.outcome}=${v.value}`).join(','), /skipped_budget=1/);
  });

  it('sets the explain headers on success', async () => {
    const cat = catalogOf([deployment('pa/m', 'chat')], { pa: () => ok() });
    const ctx = context({ model: 'chat' });
    await dispatch(ctx, signal(), { catalog: cat, state: new RoutingState(), policy: compilePolicy() });
    assert.deepEqual(
      [ctx.responseHeaders['x-gateway-model'], ctx.responseHeaders['x-gateway-provider'], ctx.responseHeaders['x-gateway-attempts']],
      ['chat', 'pa', '1'],
    );
    assert.equal(ctx.responseHeaders['x-gateway-route-reason'], 'group:chat');
  });
});
