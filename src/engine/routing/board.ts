/**
 * The routing state of one gateway process: health per deployment, breakers, the hedge
 * budget, round-robin cursors and routing metrics. It outlives config generations (a
 * reload must not forget that a deployment is down), so it is one object per state
 * store: `routingState({ stores, metrics })` returns the same board every time.
 *
 * @example
 *   const board = routingState({ stores: env.stores, metrics: env.metrics });
 *   board.breaker(d.id, policy.breaker).acquire(Date.now());
 */
import type { Logger } from 'pino';
import type { MetricsRegistry } from '../metrics.ts';
import type { StateStore } from '../stores/state.ts';
import { CircuitBreaker, STATE_VALUE, type BreakerState } from './breaker.ts';
import { attachBreakerSync, type BreakerSync } from './breaker-sync.ts';
import { HealthBoard } from './health.ts';
import { HedgeBudget } from './hedge-budget.ts';
import { DEFAULT_BREAKER, type BreakerPolicy } from './policy.ts';

function routingMetrics(m: MetricsRegistry) {
  return {
    breakerState: m.gauge({
      name: 'gateway_breaker_state',
      help: 'Circuit breaker state per deployment: 0 closed, 1 open, 2 half-open',
      labelNames: ['deployment'] as const,
    }),
    transitions: m.counter({ name: 'gateway_breaker_transitions_total', help: 'Circuit breaker transitions', labelNames: ['deployment', 'to'] as const }),
    hedges: m.counter({
      name: 'gateway_hedges_total',
      help: 'Hedged requests by outcome (launched, won, lost, skipped_budget)',
      labelNames: ['outcome'] as const,
    }),
    attempts: m.counter({
      name: 'gateway_upstream_attempts_total',
      help: 'Upstream attempts by deployment and outcome class',
      labelNames: ['deployment', 'outcome'] as const,
    }),
    fallbacks: m.counter({
      name: 'gateway_fallbacks_total',
      help: 'Fallbacks taken, by model, target and failure class',
      labelNames: ['from', 'to', 'class'] as const,
    }),
    abVariants: m.counter({ name: 'gateway_ab_variant_total', help: 'Requests per A/B experiment variant', labelNames: ['experiment', 'variant'] as const }),
  };
}

export type RoutingMetrics = ReturnType<typeof routingMetrics>;

export interface BreakerView {
  state: BreakerState;
  open_until?: string;
  reason: string;
  consecutive_failures: number;
}

export class RoutingState {
  readonly health = new HealthBoard();
  readonly hedgeBudget = new HedgeBudget();
  readonly metrics?: RoutingMetrics;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly cursors = new Map<string, number>();
  private sync?: BreakerSync;

  constructor(
    metrics?: MetricsRegistry,
    private readonly logger?: Logger,
  ) {
    this.metrics = metrics ? routingMetrics(metrics) : undefined;
  }

  /** The breaker of a deployment; its thresholds follow the current policy. */
  breaker(id: string, policy: Readonly<BreakerPolicy> = DEFAULT_BREAKER): CircuitBreaker {
    let b = this.breakers.get(id);
    if (!b) {
      b = new CircuitBreaker(id, policy, (bid, to, until, reason) => this.transitioned(bid, to, until, reason, true));
      this.breakers.set(id, b);
      this.metrics?.breakerState.set({ deployment: id }, 0);
      this.sync?.load(id);
    } else if (b.policy !== policy) b.policy = policy;
    return b;
  }

  peekBreaker(id: string): CircuitBreaker | undefined {
    return this.breakers.get(id);
  }

  /** Next round-robin position for a group (advances it). */
  nextCursor(group: string): number {
    const n = this.cursors.get(group) ?? 0;
    this.cursors.set(group, n + 1);
    return n;
  }

  peekCursor(group: string): number {
    return this.cursors.get(group) ?? 0;
  }

  /** Share breaker state through the store (Redis: across replicas). */
  async share(store: StateStore): Promise<void> {
    if (this.sync) return;
    this.sync = await attachBreakerSync(
      store,
      {
        applyRemote: (id, state, until, reason) => {
          this.breaker(id).applyRemote(state, until, `${reason} (from another replica)`, Date.now());
          this.transitioned(id, state, until, reason, false);
        },
      },
      (err) => this.logger?.warn({ err }, 'breaker state sync failed'),
    );
    for (const id of this.breakers.keys()) this.sync.load(id);
  }

  breakerViews(): Record<string, BreakerView> {
    const out: Record<string, BreakerView> = {};
    for (const [id, b] of this.breakers) {
      out[id] = {
        state: b.state,
        reason: b.lastReason,
        consecutive_failures: b.consecutive,
        ...(b.state === 'open' ? { open_until: new Date(b.openUntil).toISOString() } : {}),
      };
    }
    return out;
  }

  async close(): Promise<void> {
    await this.sync?.close();
    this.sync = undefined;
  }

  private transitioned(id: string, to: BreakerState, until: number, reason: string, local: boolean): void {
    this.metrics?.breakerState.set({ deployment: id }, STATE_VALUE[to]);
    this.metrics?.transitions.inc({ deployment: id, to });
    this.logger?.warn({ deployment: id, to, reason, local }, 'circuit breaker transition');
    if (local) this.sync?.publish(id, to, until, reason);
  }
}

/** One board per state store (a process may run several gateways, as tests do), and one without stores. */
const shared: { byStore: WeakMap<object, RoutingState>; process?: RoutingState } = { byStore: new WeakMap() };

/**
 * The board for these stores (one per process and store); with Redis, breaker state is
 * shared across replicas. Without deps, a process-wide board without metrics.
 */
export function routingState(deps?: { stores?: { state: StateStore }; metrics?: MetricsRegistry; logger?: Logger }): RoutingState {
  const store = deps?.stores?.state;
  if (!store) return (shared.process ??= new RoutingState(deps?.metrics, deps?.logger));
  let b = shared.byStore.get(store);
  if (!b) {
    b = new RoutingState(deps.metrics, deps.logger);
    shared.byStore.set(store, b);
    if (store.kind === 'redis') b.share(store).catch((err) => deps.logger?.warn({ err }, 'breaker sharing unavailable'));
  }
  return b;
}
