/**
 * ctx.route, the router's decision, and its one precedence rule: what the router decided
 * wins; what it left unset comes from the provider plugin's routing config, else defaults.
 */
import assert from 'node:assert/strict';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { compilePolicy } from '../../../src/engine/routing/policy.ts';
import { gatewayError } from '../../../src/engine/errors.ts';
import { catalogOf, context, deployment, ok } from './helpers.ts';

const down = () => {
  throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus: 503 });
};

describe('routing: the route decision on the context', () => {
  const a = deployment('pa/m', 'chat', { retry: { attempts: 1, base_delay_ms: 1, max_delay_ms: 1 } });
  const viaRouter = deployment('pr/m', 'router-choice');
  const viaProvider = deployment('pp/m', 'provider-choice');
  const cat = () => catalogOf([a, viaRouter, viaProvider], { pa: down, pr: () => ok('router'), pp: () => ok('provider') });
  const providerPolicy = compilePolicy({ fallbacks: { chat: { any: ['provider-choice'] } } });

  it("the router's policy wins over the provider's", async () => {
    const ctx = context({ model: 'chat' });
    ctx.route = { candidates: [a], policy: compilePolicy({ fallbacks: { chat: { any: ['router-choice'] } } }), reason: 'rules:x->chat' };
    await dispatch(ctx, new AbortController().signal, { catalog: cat(), state: new RoutingState(), policy: providerPolicy });
    assert.equal(ctx.deployment?.id, 'pr/m');
    assert.match(ctx.route.reason, /^rules:x->chat; fallback\(unavailable\)->router-choice/);
    assert.equal(ctx.responseHeaders['x-gateway-route-reason'], ctx.route.reason);
  });

  it("a decision without a policy follows the provider's; no decision at all is recorded by dispatch", async () => {
    const routed = context({ model: 'chat' });
    routed.route = { candidates: [a], reason: 'alias' };
    await dispatch(routed, new AbortController().signal, { catalog: cat(), state: new RoutingState(), policy: providerPolicy });
    assert.equal(routed.deployment?.id, 'pp/m');

    const plain = context({ model: 'chat' });
    await dispatch(plain, new AbortController().signal, { catalog: cat(), state: new RoutingState(), policy: providerPolicy });
    assert.equal(plain.deployment?.id, 'pp/m');
    assert.deepEqual(
      plain.route?.candidates.map((d) => d.id),
      ['pa/m'],
    );
    assert.match(plain.route!.reason, /^group:provider-choice; fallback\(unavailable\)->provider-choice/);
  });
});
