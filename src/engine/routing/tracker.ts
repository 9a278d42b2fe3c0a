/**
 * Dispatch's bookkeeping for one request: the candidate queue, attempts per deployment,
 * retry-not-before times, deployments ruled out, fallbacks taken and the last error.
 * Decides what a failure means: a client error ends the request, a context-length or
 * content-policy error rules out the whole model (its fallback chain takes over), a
 * retryable error schedules a retry of that deployment after back-off while the others
 * are tried at once.
 *
 * @example
 *   const t = new Tracker(candidates, policy, rng); const next = t.pick(state, Date.now());
 */
import type { Capability } from '../openai-types.ts';
import type { Deployment, ModelCatalog } from '../types.ts';
import { gatewayError, isGatewayError } from '../errors.ts';
import { missingCapabilities } from '../capabilities.ts';
import type { RoutingState } from './board.ts';
import type { Ticket } from './breaker.ts';
import type { RoutingPolicy } from './policy.ts';
import type { Permit } from './permits.ts';
import type { Rng } from './rng.ts';
import { classify, type FailureClass } from './classify.ts';
import { retryDelay } from './backoff.ts';
import { estimatedCost } from './strategies.ts';

export class Tracker {
  private readonly queue: Deployment[];
  private readonly tries = new Map<string, number>();
  private readonly notBefore = new Map<string, number>();
  private readonly out = new Set<string>();
  private readonly inRound = new Set<string>();
  private readonly usedModels = new Set<string>();
  private readonly fallbacks: string[] = [];
  private readonly origin: string;
  private total = 0;
  private lastErr?: unknown;
  private lastClass?: FailureClass;

  constructor(
    candidates: readonly Deployment[],
    private readonly policy: RoutingPolicy,
    private readonly rng: Rng,
  ) {
    this.queue = [...candidates];
    this.origin = candidates[0]!.name;
    for (const d of candidates) this.usedModels.add(d.name);
  }

  /** The next deployment to call now, with its breaker ticket; undefined when none is ready. */
  pick(state: RoutingState, now: number): { d: Deployment; ticket: Ticket } | undefined {
    for (const d of this.queue) {
      if (this.out.has(d.id) || this.inRound.has(d.id)) continue;
      if ((this.tries.get(d.id) ?? 0) >= d.retry.attempts) continue;
      if ((this.notBefore.get(d.id) ?? 0) > now) continue;
      const ticket = state.breaker(d.id, this.policy.breaker).acquire(now);
      if (ticket) return { d, ticket };
    }
    return undefined;
  }

  launched(d: Deployment): void {
    this.tries.set(d.id, (this.tries.get(d.id) ?? 0) + 1);
    this.inRound.add(d.id);
    this.total++;
  }

  hasAlternatives(): boolean {
    return this.queue.length > 1;
  }
  outOfAttempts(): boolean {
    return this.total >= this.policy.maxAttempts;
  }

  /** Record a failed attempt; throws when the failure must go to the client as it is. */
  failed(d: Deployment, err: unknown, now: number): void {
    this.inRound.delete(d.id);
    const cls = classify(err);
    this.lastErr = err;
    this.lastClass = cls;
    if (cls === 'client') throw err;
    if (cls === 'context_length_exceeded' || cls === 'content_policy') {
      for (const q of this.queue) if (q.name === d.name) this.out.add(q.id);
    } else if (cls === 'auth' || cls === 'other') {
      this.out.add(d.id);
    } else {
      const retryAfter = isGatewayError(err) ? err.retryAfter : undefined;
      this.notBefore.set(d.id, now + retryDelay(this.tries.get(d.id) ?? 1, d.retry, retryAfter, this.policy.retryAfterCapMs, this.rng));
    }
  }

  /** Ms until some deployment may be retried (back-off / Retry-After), if any may. */
  soonestRetry(state: RoutingState, now: number): number | undefined {
    let soonest: number | undefined;
    for (const d of this.queue) {
      if (this.out.has(d.id) || (this.tries.get(d.id) ?? 0) >= d.retry.attempts) continue;
      if (!state.breaker(d.id, this.policy.breaker).available(now)) continue;
      const wait = Math.max(0, (this.notBefore.get(d.id) ?? 0) - now);
      if (soonest === undefined || wait < soonest) soonest = wait;
    }
    return soonest;
  }

  /** Say why in x-gateway-route-reason (e.g. candidates removed for the key's permissions). */
  note(part: string): void {
    this.fallbacks.push(part);
  }

  /**
   * Append the next model of the fallback chain for the last failure class; false when
   * none is left. A target the key may not use is skipped, and said so.
   */
  fallBack(
    catalog: ModelCatalog,
    need: readonly Capability[],
    permit: Permit | undefined,
    rank: (name: string, g: readonly Deployment[]) => Deployment[],
    state: RoutingState,
  ): boolean {
    const cls = this.lastClass ?? 'unavailable';
    const chains = this.policy.group(this.origin).fallbacks;
    const chain = chains[cls] ?? chains.any ?? [];
    for (const name of chain) {
      if (this.usedModels.has(name)) continue;
      this.usedModels.add(name);
      const capable = (catalog.group(name) ?? []).filter((d) => missingCapabilities(d, need).length === 0);
      const group = permit ? capable.filter((d) => permit.denies(d) === undefined) : capable;
      if (group.length < capable.length) this.fallbacks.push(`fallback(${cls})->${name} removed:permission=${capable.length - group.length}`);
      if (group.length === 0) continue;
      this.queue.push(...rank(name, group));
      this.fallbacks.push(`fallback(${cls})->${name}`);
      state.metrics?.fallbacks.inc({ from: this.origin, to: name, class: cls });
      return true;
    }
    return false;
  }

  finalError(): unknown {
    if (this.lastErr !== undefined) return this.lastErr;
    return gatewayError('GW_ERR_NO_HEALTHY_DEPLOYMENT', { message: `No deployment of '${this.origin}' is available (circuit open).` });
  }

  estimatedCost(d: Deployment, promptTokens: number, outputTokens: number): number {
    return estimatedCost(d, promptTokens, outputTokens);
  }

  /** What happened beyond the plan, for x-gateway-route-reason. */
  reasonSuffix(hedgeWon: boolean): string {
    const parts = [...this.fallbacks];
    if (this.total > 1) parts.push(`attempts=${this.total}`);
    if (hedgeWon) parts.push('hedge-won');
    return parts.join('; ');
  }
}
