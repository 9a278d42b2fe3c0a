/**
 * The key's permit against deployments (#9.2): what it allows, dispatch leaving out what
 * the key may not use (the group, fallback targets) and saying so, and the one place
 * attempts are launched refusing a forbidden deployment whatever put it there.
 */
import assert from 'node:assert/strict';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { startAttempt } from '../../../src/engine/routing/attempt.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { compilePolicy } from '../../../src/engine/routing/policy.ts';
import { permitOf } from '../../../src/engine/routing/permits.ts';
import { gatewayError } from '../../../src/engine/errors.ts';
import type { Principal } from '../../../src/engine/context.ts';
import { catalogOf, context, deployment, ok } from './helpers.ts';

const principal = (permissions: Principal['permissions']): Principal => ({ keyId: 'k', keyPrefix: 'k', permissions: Object.freeze(permissions) });
const down = () => {
  throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus: 503 });
};

describe('routing/permits', () => {
  it('checks model names (exact, prefix, *) and providers against a deployment', () => {
    const p = permitOf(principal({ models: ['gpt-4o*', 'echo'], providers: ['openai'], endpoints: ['chat', 'messages'] }))!;
    assert.equal(p.denies(deployment('openai/gpt-4o-mini', 'gpt-4o-mini')), undefined);
    assert.equal(p.denies(deployment('openai/x', 'premium')), 'model');
    assert.equal(p.denies(deployment('azure/gpt-4o', 'gpt-4o')), 'provider');
    assert.equal(p.allowsName('echo'), true);
    assert.equal(p.allowsName('auto'), false);
    assert.equal(p.allowsEndpoint('count_tokens'), true, 'counting tokens belongs to messages');
    assert.equal(p.allowsEndpoint('embeddings'), false);
    assert.equal(permitOf(undefined), undefined);
    assert.equal(permitOf({ keyId: 'k', keyPrefix: 'k' }), undefined, 'no permissions: nothing restricted');
    const all = permitOf(principal({ models: ['*'] }))!;
    assert.equal(all.denies(deployment('any/thing', 'whatever')), undefined);
  });

  it('is compiled once per key (the same permissions object)', () => {
    const who = principal({ models: ['a'] });
    assert.equal(permitOf(who), permitOf({ ...who }));
  });

  it('dispatch without a router: forbidden deployments of the group are left out, and said so', async () => {
    const a = deployment('pa/m', 'chat');
    const b = deployment('pb/m', 'chat');
    const cat = catalogOf([a, b], { pa: () => ok('a'), pb: () => ok('b') });
    for (let i = 0; i < 10; i++) {
      const ctx = context({ model: 'chat' });
      ctx.principal = principal({ providers: ['pb'] });
      await dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy: compilePolicy() });
      assert.equal(ctx.deployment?.id, 'pb/m');
      assert.equal(ctx.responseHeaders['x-gateway-route-reason'], 'group:chat; removed:permission=1');
    }
    assert.equal(cat.calls.get('pa/m'), undefined);
  });

  it('dispatch: a forbidden fallback target is skipped for the next one in the chain', async () => {
    const a = deployment('pa/m', 'chat', { retry: { attempts: 1, base_delay_ms: 1, max_delay_ms: 1 } });
    const premium = deployment('pp/m', 'premium');
    const backup = deployment('pb/m', 'backup');
    const cat = catalogOf([a, premium, backup], { pa: down, pp: () => ok('premium'), pb: () => ok('backup') });
    const ctx = context({ model: 'chat' });
    ctx.principal = principal({ models: ['chat', 'backup'] });
    const policy = compilePolicy({ fallbacks: { chat: { any: ['premium', 'backup'] } } });
    await dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy });
    assert.equal(ctx.deployment?.id, 'pb/m');
    assert.equal(cat.calls.get('pp/m'), undefined);
    assert.match(ctx.route!.reason, /fallback\(unavailable\)->premium removed:permission=1; fallback\(unavailable\)->backup/);
  });

  it('dispatch: no deployment the key may use is a 403, before any call', async () => {
    const a = deployment('pa/m', 'chat');
    const cat = catalogOf([a], { pa: () => ok() });
    const ctx = context({ model: 'chat' });
    ctx.principal = principal({ providers: ['elsewhere'] });
    await assert.rejects(dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState() }), { code: 'GW_ERR_FORBIDDEN' });
    // Even when a router's decision names it.
    ctx.route = { candidates: [a], reason: 'alias:x' };
    await assert.rejects(dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState() }), { code: 'GW_ERR_FORBIDDEN' });
    assert.equal(cat.calls.get('pa/m'), undefined);
  });

  it('startAttempt, where every upstream call starts, refuses a deployment the key may not use', async () => {
    const premium = deployment('pp/m', 'premium');
    const cat = catalogOf([premium], { pp: () => ok() });
    const state = new RoutingState();
    const ctx = context({ model: 'premium' });
    ctx.principal = principal({ models: ['echo'] });
    const policy = compilePolicy();
    const attempt = startAttempt(ctx, premium, state.breaker(premium.id).acquire(Date.now())!, new AbortController().signal, {
      catalog: cat,
      state,
      policy,
      promptTokens: 1,
    });
    await assert.rejects(attempt.promise, { code: 'GW_ERR_FORBIDDEN' });
    assert.equal(cat.calls.get('pp/m'), undefined);
    assert.equal(state.health.peek(premium.id), undefined, 'no health verdict on a refused attempt');
  });
});
