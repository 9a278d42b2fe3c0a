/**
 * Sends a request to a deployment, with the resilience the routing policy asks for:
 * candidates in order (the router's decision, `ctx.route`, else the requested model's
 * group ranked by its strategy), only those the caller's key may use (permits.ts),
 * breakers that shed open deployments, retries with back-off and full jitter (honouring
 * Retry-After, capped) for retryable failures only, hedging, and fallback chains chosen
 * by failure class — at most `max_attempts` upstream calls in all. The provider plugin
 * calls only `dispatch(ctx, signal, deps)`.
 *
 * @example
 *   const res = await dispatch(ctx, signal, { catalog: env.models, state: routingState(env), policy });
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestContext } from '../context.ts';
import type { Deployment, ModelCatalog, UpstreamResponse } from '../types.ts';
import { gatewayError, isGatewayError } from '../errors.ts';
import { assertCapabilities, missingCapabilities, requiredCapabilities } from '../capabilities.ts';
import { estimatePromptTokens } from '../tokens/estimate.ts';
import { routingState, type RoutingState } from './board.ts';
import { DEFAULT_POLICY, type RoutingPolicy } from './policy.ts';
import { rankGroup, outputTokensOf } from './ranking.ts';
import { startAttempt, type Attempt, type AttemptEnv } from './attempt.ts';
import { dropResponse } from '../executor.ts';
import { runRound } from './hedge.ts';
import { Tracker } from './tracker.ts';
import { hedgeDelay, setExplainHeaders } from './dispatch-util.ts';
import { permitOf } from './permits.ts';
import type { Rng } from './rng.ts';

export interface DispatchDeps {
  catalog: ModelCatalog;
  /**
   * Routing state (health, breakers): the provider plugin's board for its stores, the
   * very board a router plugin on the same stores plans with; default the process-wide one.
   */
  state?: RoutingState;
  /** The provider plugin's routing policy: used when the router decided none (`ctx.route.policy` wins), else defaults. */
  policy?: RoutingPolicy;
  /** Randomness for jitter and ranking (tests seed it). */
  rng?: Rng;
}

/** The router's candidates, else the requested model's group. */
export function candidatesFor(ctx: RequestContext, catalog: ModelCatalog): readonly Deployment[] {
  const routed = ctx.route?.candidates;
  if (routed && routed.length) return routed;
  const group = ctx.model === undefined ? undefined : catalog.group(ctx.model);
  if (!group || group.length === 0) {
    throw gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${ctx.model ?? ''}' does not exist.`, param: 'model' });
  }
  return group;
}

/**
 * The candidates the caller's key may use, in order; a 403 when there is none. The router
 * already removed the others (and said so); without a router this is where they go.
 */
export function permittedCandidates(ctx: RequestContext, catalog: ModelCatalog, permit = permitOf(ctx.principal)): readonly Deployment[] {
  const all = candidatesFor(ctx, catalog);
  if (!permit) return all;
  const kept = all.filter((d) => permit.denies(d) === undefined);
  if (kept.length === 0)
    throw gatewayError('GW_ERR_FORBIDDEN', { message: `This API key may not use any deployment of '${ctx.model ?? all[0]!.name}'.`, param: 'model' });
  return kept;
}

export async function dispatch(ctx: RequestContext, signal: AbortSignal, deps: DispatchDeps): Promise<UpstreamResponse> {
  // One precedence rule (RouteDecision): the router's decision, else the provider's config, else defaults.
  const route = ctx.route;
  const policy = route?.policy ?? deps.policy ?? DEFAULT_POLICY;
  const state = deps.state ?? routingState();
  const rng = deps.rng ?? Math.random;
  const need = requiredCapabilities(ctx.endpoint, ctx.body);
  const promptTokens = ctx.promptTokens ?? estimatePromptTokens(ctx.body);
  const rankOpts = { rng, promptTokens, outputTokens: outputTokensOf(ctx.body), stream: ctx.stream, advance: true };

  const routed = route !== undefined && route.candidates.length > 0;
  const permit = permitOf(ctx.principal);
  const initial = permittedCandidates(ctx, deps.catalog, permit);
  const ordered = routed ? initial : rankGroup(initial[0]!.name, initial, policy, state, rankOpts).map((r) => r.deployment);
  const usable = ordered.filter((d) => missingCapabilities(d, need).length === 0);
  if (usable.length === 0) assertCapabilities(ordered[0]!, need);

  const t = new Tracker(usable, policy, rng);
  // With a router, its plan already removed (and explained) what the key may not use.
  const removed = routed ? 0 : (deps.catalog.group(initial[0]!.name)?.length ?? 0) - initial.length;
  if (removed > 0) t.note(`removed:permission=${removed}`);
  const env: AttemptEnv = { catalog: deps.catalog, state, policy, promptTokens };
  const group = policy.group(usable[0]!.name);
  // Only a hedged group cancels one attempt while others go on.
  const cancellable = group.hedging !== undefined;
  const launch = (d: Deployment, ticket: 'closed' | 'probe'): Attempt => {
    t.launched(d);
    ctx.attempts++;
    return startAttempt(ctx, d, ticket, signal, env, cancellable);
  };
  if (group.hedging) state.hedgeBudget.request(Date.now());

  for (;;) {
    if (signal.aborted) throw gatewayError('GW_ERR_CLIENT_CLOSED');
    // max_attempts bounds every upstream call (first tries, retries, hedges, fallbacks).
    if (t.outOfAttempts()) throw t.finalError();
    const first = t.pick(state, Date.now());
    if (!first) {
      const wait = t.soonestRetry(state, Date.now());
      if (wait !== undefined) {
        await sleep(wait, undefined, { signal }).catch(() => {
          throw gatewayError('GW_ERR_CLIENT_CLOSED');
        });
        continue;
      }
      if (t.fallBack(deps.catalog, need, permit, (name, g) => rankGroup(name, g, policy, state, rankOpts).map((r) => r.deployment), state)) continue;
      throw t.finalError();
    }
    const hedging = group.hedging && t.hasAlternatives() ? { delayMs: hedgeDelay(group.hedging, state, first.d), fanout: group.hedging.fanout } : undefined;
    const result = await runRound(
      () => launch(first.d, first.ticket),
      () => {
        if (t.outOfAttempts()) return undefined;
        const next = t.pick(state, Date.now());
        if (!next) return undefined;
        if (!state.hedgeBudget.allow(Date.now(), t.estimatedCost(next.d, promptTokens, rankOpts.outputTokens), policy.hedgeBudget)) {
          state.breaker(next.d.id, policy.breaker).release(next.ticket);
          state.metrics?.hedges.inc({ outcome: 'skipped_budget' });
          return undefined;
        }
        state.hedgeBudget.spend(Date.now(), t.estimatedCost(next.d, promptTokens, rankOpts.outputTokens));
        return launch(next.d, next.ticket);
      },
      hedging,
      (outcome) => state.metrics?.hedges.inc({ outcome }),
    );
    if (env.hookFailure !== undefined) {
      // An onAttempt hook failed: the request fails closed, whatever the round brought.
      if (result.response) dropResponse(result.response);
      throw env.hookFailure;
    }
    for (const f of result.failures) {
      if (isGatewayError(f.err) && f.err.code === 'GW_ERR_CLIENT_CLOSED') throw f.err;
      t.failed(f.deployment, f.err, Date.now());
    }
    if (result.response && result.winner) {
      ctx.deployment = result.winner;
      setExplainHeaders(ctx, result.winner, ordered, t.reasonSuffix(result.hedgeWon));
      return result.response;
    }
  }
}
