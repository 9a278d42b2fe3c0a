import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { CircuitBreaker } from '../../../src/engine/routing/breaker.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { DEFAULT_BREAKER, compilePolicy } from '../../../src/engine/routing/policy.ts';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { gatewayError } from '../../../src/engine/errors.ts';
import { MetricsRegistry } from '../../../src/engine/metrics.ts';
import { createRedisStateStore } from '../../../src/engine/stores/redis-state.ts';
import { catalogOf, context, deployment, ok } from './helpers.ts';

describe('routing/breaker', () => {
  it('opens after its threshold, sheds traffic, half-opens after the cool-down and closes on success', async () => {
    let healthy = false;
    const a = deployment('pa/m', 'chat', { retry: { attempts: 1, base_delay_ms: 0, max_delay_ms: 0 } });
    const b = deployment('pb/m', 'chat');
    const cat = catalogOf([a, b], {
      pa: () => {
        if (!healthy) throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE');
        return ok('a');
      },
      pb: () => ok('b'),
    });
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const state = new RoutingState(metrics);
    // The cost strategy always ranks the free deployment a first, so every request tries a.
    const policy = compilePolicy({ strategy: 'cost', breaker: { failure_threshold: 3, cooldown_ms: 150 } });
    const cheapA = { ...a, pricing: { input_per_1m: 0, output_per_1m: 0 } },
      dearB = { ...b, pricing: { input_per_1m: 9, output_per_1m: 9 } };
    const cat2 = { ...cat, group: () => [cheapA, dearB] };
    const run = async () => {
      const ctx = context({ model: 'chat' });
      await dispatch(ctx, new AbortController().signal, { catalog: cat2, state, policy });
      return ctx.deployment!.id;
    };

    for (let i = 0; i < 3; i++) assert.equal(await run(), 'pb/m');
    assert.equal(cat.calls.get('pa/m'), 3);
    assert.equal(state.peekBreaker('pa/m')!.state, 'open');
    for (let i = 0; i < 5; i++) assert.equal(await run(), 'pb/m');
    assert.equal(cat.calls.get('pa/m'), 3, 'open breaker sheds all traffic');

    await new Promise((r) => setTimeout(r, 170));
    healthy = true;
    assert.equal(await run(), 'pa/m', 'the probe goes to the recovered deployment');
    assert.equal(state.peekBreaker('pa/m')!.state, 'closed');
    assert.equal(await run(), 'pa/m');
    const text = (await metrics.render()).body;
    assert.match(text, /gateway_breaker_state\{deployment="pa\/m"\} 0/);
    assert.match(text, /gateway_breaker_transitions_total\{deployment="pa\/m",to="open"\} 1/);
    assert.match(text, /gateway_breaker_transitions_total\{deployment="pa\/m",to="half_open"\} 1/);
    assert.match(text, /gateway_breaker_transitions_total\{deployment="pa\/m",to="closed"\} 1/);
  });

  it('reopens when the half-open probe fails', () => {
    const b = new CircuitBreaker('x', { ...DEFAULT_BREAKER, failure_threshold: 1, cooldown_ms: 100 });
    b.record(b.acquire(0)!, false, 5, 0);
    assert.equal(b.state, 'open');
    assert.equal(b.acquire(50), undefined);
    const t = b.acquire(100);
    assert.equal(t, 'probe');
    assert.equal(b.acquire(100), undefined, 'one probe at a time');
    b.record(t!, false, 5, 101);
    assert.equal(b.state, 'open');
    assert.equal(b.openUntil, 201);
  });

  it('opens on error rate over the window', () => {
    const b = new CircuitBreaker('x', { ...DEFAULT_BREAKER, failure_threshold: 100, error_rate: 0.5, min_requests: 10 });
    for (let i = 0; i < 9; i++) b.record(b.acquire(i)!, i % 2 === 0, 5, i);
    assert.equal(b.state, 'closed');
    b.record(b.acquire(10)!, false, 5, 10);
    assert.equal(b.state, 'open');
    assert.match(b.lastReason, /error rate 50% over 10 requests/);
  });

  it('opens on a latency trip: p99 far above its own baseline', () => {
    const b = new CircuitBreaker('x', { ...DEFAULT_BREAKER, latency_factor: 5, latency_min_samples: 20, window_ms: 1e9 });
    for (let i = 0; i < 100; i++) b.record(b.acquire(i)!, true, 100, i);
    assert.equal(b.state, 'closed');
    for (let i = 0; i < 5; i++) b.record(b.acquire(100 + i)!, true, 2000, 100 + i);
    assert.equal(b.state, 'open');
    assert.match(b.lastReason, /p99 2000ms > 5x baseline/);
  });

  it('shares state between replicas through Redis', async () => {
    const prefix = `test:breaker:${randomUUID()}:`;
    const log = pino({ level: 'silent' });
    const s1 = createRedisStateStore('redis://127.0.0.1:6379', prefix, log);
    const s2 = createRedisStateStore('redis://127.0.0.1:6379', prefix, log);
    const r1 = new RoutingState(),
      r2 = new RoutingState();
    try {
      await r1.share(s1);
      await r2.share(s2);
      const policy = { ...DEFAULT_BREAKER, failure_threshold: 2, cooldown_ms: 60_000 };
      const b1 = r1.breaker('p/m', policy);
      r2.breaker('p/m', policy);
      b1.record(b1.acquire(Date.now())!, false, 1, Date.now());
      b1.record(b1.acquire(Date.now())!, false, 1, Date.now());
      assert.equal(b1.state, 'open');
      for (let i = 0; i < 50 && r2.peekBreaker('p/m')!.state !== 'open'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(r2.peekBreaker('p/m')!.state, 'open');
      assert.equal(r2.peekBreaker('p/m')!.acquire(Date.now()), undefined);
      // A replica that starts later reads the stored state.
      const s3 = createRedisStateStore('redis://127.0.0.1:6379', prefix, log);
      const r3 = new RoutingState();
      await r3.share(s3);
      r3.breaker('p/m', policy);
      for (let i = 0; i < 50 && r3.peekBreaker('p/m')!.state !== 'open'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(r3.peekBreaker('p/m')!.state, 'open');
      await r3.close();
      await s3.close();
    } finally {
      await s1.del('routing:breaker:p/m');
      await r1.close();
      await r2.close();
      await s1.close();
      await s2.close();
    }
  });
});
