/**
 * The routing policy dispatch follows: per-group strategy, fallback chains by failure
 * class, hedging, breaker thresholds and retry caps. It is compiled once per config
 * generation from a `routing` config section (the router plugin's config, or the
 * provider plugin's `routing` section when no router runs) and frozen.
 *
 * Which one a request follows (one rule, RouteDecision in context.ts): the router plugin's
 * (`ctx.route.policy`) when a router decided the route, else the provider plugin's own
 * `routing` section (`DispatchDeps.policy`), else DEFAULT_POLICY.
 *
 * @example
 *   const policy = compilePolicy({ strategy: 'latency', fallbacks: { 'gpt-4o': { any: ['claude'] } } });
 *   policy.group('gpt-4o').fallbacks.any; // ['claude']
 */
import type { FailureClass } from './classify.ts';
import type { RoutingConfig, Strategy } from './policy-config.generated.ts';

/** The config types are generated from policy.schema.json (npm run schemas). */
export type { RoutingConfig };
export type StrategyName = Strategy;

export interface HedgePolicy {
  /** Fixed delay before the hedge, or 'p95' of the group's observed latency. */
  delay_ms?: number | 'p95';
  /** How many deployments run at most at once (2 = one hedge). */
  fanout: number;
}

export interface BreakerPolicy {
  /** Consecutive failures that open the breaker. */
  failure_threshold: number;
  /** Error rate over the window that opens it (with at least `min_requests`). */
  error_rate: number;
  window_ms: number;
  min_requests: number;
  /** How long an open breaker sheds traffic before letting probes through. */
  cooldown_ms: number;
  /** Concurrent probe requests while half-open. */
  half_open_probes: number;
  /** Trip when p99 latency exceeds `latency_factor` × its own baseline (0 = off). */
  latency_factor: number;
  latency_min_samples: number;
}

export type FallbackChains = Readonly<Partial<Record<FailureClass | 'any', readonly string[]>>>;

export interface GroupPolicy {
  strategy: StrategyName;
  fallbacks: FallbackChains;
  hedging?: Readonly<HedgePolicy>;
}

export interface RoutingPolicy {
  group(name: string | undefined): GroupPolicy;
  readonly breaker: Readonly<BreakerPolicy>;
  readonly hedgeBudget: Readonly<{ max_fraction: number; max_extra_usd_per_min: number }>;
  /** Retry-After from a provider is honoured up to this many ms. */
  readonly retryAfterCapMs: number;
  /** Upper bound of upstream calls for one request, across retries and fallbacks. */
  readonly maxAttempts: number;
}

export const DEFAULT_BREAKER: Readonly<BreakerPolicy> = Object.freeze({
  failure_threshold: 5,
  error_rate: 0.5,
  window_ms: 30_000,
  min_requests: 20,
  cooldown_ms: 10_000,
  half_open_probes: 1,
  latency_factor: 0,
  latency_min_samples: 50,
});

/** Compile a `routing` section; unknown groups fall back to the `*` / top-level entries. */
export function compilePolicy(cfg: Readonly<RoutingConfig> = {}): RoutingPolicy {
  const defaults: GroupPolicy = Object.freeze({
    strategy: cfg.strategy ?? 'weighted',
    fallbacks: Object.freeze({ ...(cfg.fallbacks?.['*'] ?? {}) }),
    hedging: hedgeOf(cfg.hedging?.['*']),
  });
  const names = new Set([...Object.keys(cfg.groups ?? {}), ...Object.keys(cfg.fallbacks ?? {}), ...Object.keys(cfg.hedging ?? {})]);
  names.delete('*');
  const groups = new Map<string, GroupPolicy>();
  for (const n of names) {
    groups.set(
      n,
      Object.freeze({
        strategy: cfg.groups?.[n]?.strategy ?? defaults.strategy,
        fallbacks: Object.freeze({ ...(cfg.fallbacks?.[n] ?? defaults.fallbacks) }),
        hedging: cfg.hedging?.[n] ? hedgeOf(cfg.hedging[n]) : defaults.hedging,
      }),
    );
  }
  return Object.freeze({
    group: (name: string | undefined) => (name === undefined ? undefined : groups.get(name)) ?? defaults,
    breaker: Object.freeze({ ...DEFAULT_BREAKER, ...(cfg.breaker ?? {}) }),
    hedgeBudget: Object.freeze({ max_fraction: cfg.hedge_budget?.max_fraction ?? 0.1, max_extra_usd_per_min: cfg.hedge_budget?.max_extra_usd_per_min ?? 1 }),
    retryAfterCapMs: cfg.retry_after_cap_ms ?? 10_000,
    maxAttempts: cfg.max_attempts ?? 6,
  });
}

function hedgeOf(h: { delay_ms?: number | 'p95'; fanout?: number } | undefined): Readonly<HedgePolicy> | undefined {
  if (!h) return undefined;
  return Object.freeze({ delay_ms: h.delay_ms, fanout: Math.max(2, h.fanout ?? 2) });
}

export const DEFAULT_POLICY: RoutingPolicy = compilePolicy();
