/**
 * `max_attempts: N` bounds the upstream calls of one request at N under any mix of
 * failures (#10.8): retries, hedges, fallbacks and breakers, whatever the order. A
 * property test over random groups, fallback chains, retry budgets, hedging and scripted
 * failures; the provider's own call count and `x-gateway-attempts` are both checked.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { compilePolicy, type RoutingConfig } from '../../../src/engine/routing/policy.ts';
import { seededRng } from '../../../src/engine/routing/rng.ts';
import { gatewayError, type ErrorCode } from '../../../src/engine/errors.ts';
import { catalogOf, context, deployment, ok, sleepAbortable, type Script } from './helpers.ts';

const OUTCOMES = ['ok', 'slow', '503', '429', 'timeout', 'auth', 'context', 'content'] as const;
type Outcome = (typeof OUTCOMES)[number];
const ERROR: Partial<Record<Outcome, ErrorCode>> = {
  '503': 'GW_ERR_UPSTREAM_UNAVAILABLE',
  '429': 'GW_ERR_PROVIDER_RATE_LIMITED',
  timeout: 'GW_ERR_UPSTREAM_TIMEOUT',
  auth: 'GW_ERR_PROVIDER_AUTH',
  context: 'GW_ERR_CONTEXT_LENGTH_EXCEEDED',
  content: 'GW_ERR_PROVIDER_CONTENT_POLICY',
};

/** A deployment's answers, call after call (the last one repeats). */
const script = fc.array(fc.constantFrom(...OUTCOMES), { minLength: 1, maxLength: 4 });

const scenario = fc.record({
  primary: fc.array(fc.record({ script, attempts: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 5 }),
  backup: fc.array(fc.record({ script, attempts: fc.integer({ min: 1, max: 3 }) }), { minLength: 0, maxLength: 3 }),
  maxAttempts: fc.integer({ min: 1, max: 6 }),
  hedging: fc.option(fc.record({ delay_ms: fc.constantFrom(0, 2), fanout: fc.integer({ min: 2, max: 4 }) }), { nil: undefined }),
  failureThreshold: fc.integer({ min: 1, max: 3 }),
  strategy: fc.constantFrom('weighted' as const, 'round-robin' as const, 'least-busy' as const),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

function scripted(outcomes: readonly Outcome[]): Script {
  let n = 0;
  return async (_body, call) => {
    const o = outcomes[Math.min(n++, outcomes.length - 1)]!;
    if (o === 'slow') await sleepAbortable(5, call.signal);
    const code = ERROR[o];
    if (code) throw gatewayError(code, { upstreamStatus: o === '503' ? 503 : undefined, retryAfter: o === '429' ? 0 : undefined });
    return ok();
  };
}

describe('routing: max_attempts bounds every request', () => {
  it('x-gateway-attempts ≤ max_attempts under any mix of retries, hedges, fallbacks and breakers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const retry = (attempts: number) => ({ attempts, base_delay_ms: 0, max_delay_ms: 1 });
        const primary = s.primary.map((p, i) => deployment(`p${i}/m`, 'chat', { retry: retry(p.attempts) }));
        const backup = s.backup.map((p, i) => deployment(`q${i}/m`, 'backup', { retry: retry(p.attempts) }));
        const scripts: Record<string, Script> = {};
        s.primary.forEach((p, i) => (scripts[`p${i}`] = scripted(p.script)));
        s.backup.forEach((p, i) => (scripts[`q${i}`] = scripted(p.script)));
        const cat = catalogOf([...primary, ...backup], scripts);
        const cfg: RoutingConfig = {
          strategy: s.strategy,
          max_attempts: s.maxAttempts,
          retry_after_cap_ms: 1,
          breaker: { failure_threshold: s.failureThreshold, cooldown_ms: 60_000 },
          hedge_budget: { max_fraction: 1, max_extra_usd_per_min: 100 },
          fallbacks: { chat: { any: ['backup'] } },
          ...(s.hedging ? { hedging: { chat: s.hedging } } : {}),
        };
        const ctx = context({ model: 'chat' });
        const answered = await dispatch(ctx, new AbortController().signal, {
          catalog: cat,
          state: new RoutingState(),
          policy: compilePolicy(cfg),
          rng: seededRng(s.seed),
        }).then(
          () => true,
          () => false,
        );
        const calls = [...cat.calls.values()].reduce((a, b) => a + b, 0);
        assert.ok(ctx.attempts <= s.maxAttempts, `attempts ${ctx.attempts} > max_attempts ${s.maxAttempts}`);
        assert.ok(calls <= s.maxAttempts, `${calls} upstream calls > max_attempts ${s.maxAttempts}`);
        assert.equal(calls, ctx.attempts, 'every attempt counted is one upstream call');
        if (answered) assert.equal(ctx.responseHeaders['x-gateway-attempts'], String(ctx.attempts));
      }),
      { numRuns: 300 },
    );
  });

  it('the case from the report: max_attempts 2, three failing deployments and a good one', async () => {
    const dead = (i: number) => deployment(`d${i}/m`, 'chat', { pricing: { input_per_1m: 0, output_per_1m: 0 } });
    const good = deployment('good/m', 'chat', { pricing: { input_per_1m: 9, output_per_1m: 9 } });
    const down = scripted(['503']);
    const cat = catalogOf([dead(0), dead(1), dead(2), good], { d0: down, d1: down, d2: down, good: () => ok() });
    const ctx = context({ model: 'chat' });
    // The cost strategy puts the free (dead) deployments first.
    const policy = compilePolicy({ strategy: 'cost', max_attempts: 2 });
    await assert.rejects(dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy }), {
      code: 'GW_ERR_UPSTREAM_UNAVAILABLE',
    });
    assert.equal(ctx.attempts, 2);
    assert.equal(cat.calls.get('good/m'), undefined);
  });
});
