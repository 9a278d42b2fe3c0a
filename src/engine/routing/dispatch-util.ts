/**
 * Small helpers of dispatch: the hedge delay and the explain headers.
 *
 * @example
 *   setExplainHeaders(ctx, winner, candidates, 'attempts=2');
 */
import type { RequestContext } from '../context.ts';
import type { Deployment } from '../types.ts';
import type { RoutingState } from './board.ts';
import type { HedgePolicy } from './policy.ts';

/** Until a deployment has this many samples its p95 is not trusted for hedging. */
const P95_MIN_SAMPLES = 20;
/** Hedge delay when 'p95' is asked for but nothing has been measured yet. */
const P95_UNMEASURED_MS = 1000;

export function hedgeDelay(h: Readonly<HedgePolicy>, state: RoutingState, first: Deployment): number {
  if (typeof h.delay_ms === 'number') return h.delay_ms;
  if (h.delay_ms === undefined) return 0;
  const s = state.health.peek(first.id);
  return s && s.samples >= P95_MIN_SAMPLES ? (s.percentile(0.95) ?? P95_UNMEASURED_MS) : P95_UNMEASURED_MS;
}

/** Header values must be plain ASCII on one line. */
const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);

/** Completes ctx.route with what happened (or records the group used when no router decided) and explains it in headers. */
export function setExplainHeaders(ctx: RequestContext, d: Deployment, candidates: readonly Deployment[], suffix: string): void {
  const route = (ctx.route ??= { candidates, reason: `group:${d.name}` });
  const reason = suffix ? (route.reason ? `${route.reason}; ${suffix}` : suffix) : route.reason;
  route.reason = reason;
  ctx.responseHeaders['x-gateway-model'] = headerSafe(d.name);
  ctx.responseHeaders['x-gateway-provider'] = headerSafe(d.provider);
  ctx.responseHeaders['x-gateway-deployment'] = headerSafe(d.id);
  ctx.responseHeaders['x-gateway-route-reason'] = headerSafe(reason);
  ctx.responseHeaders['x-gateway-attempts'] = String(ctx.attempts);
}
