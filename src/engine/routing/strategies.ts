/**
 * Balancing strategies inside a model group: they order deployments best-first and say
 * why (a score per deployment, shown by the explain endpoint). Pure: observed state
 * comes in through `StrategyInput`, randomness through `rng`.
 *
 * - weighted: random, proportional to `weight` (Efraimidis–Spirakis keys).
 * - round-robin: rotate by the group's cursor.
 * - least-busy: fewest requests in flight from this gateway.
 * - latency: power of two choices on peak-EWMA cost (EWMA latency, or time to first
 *   token for streams, × (in flight + 1)); the rest by that cost.
 * - cost: pricing × estimated tokens (missing pricing counts as free, e.g. self-hosted).
 * - usage: most remaining RPM/TPM headroom against what this gateway sent in the last minute.
 *
 * @example
 *   const ranked = rankDeployments('latency', group, { rng: Math.random, stats, cursor: 0, promptTokens: 120, outputTokens: 256, stream: false, now: Date.now() });
 */
import type { Deployment } from '../types.ts';
import type { DeploymentStats } from './health.ts';
import type { Rng } from './rng.ts';
import type { StrategyName } from './policy.ts';

export interface StrategyInput {
  rng: Rng;
  stats(id: string): DeploymentStats | undefined;
  cursor: number;
  promptTokens: number;
  outputTokens: number;
  stream: boolean;
  now: number;
}

export interface Ranked {
  deployment: Deployment;
  /** Strategy-specific figure (lower is better except weighted/usage: higher is better). */
  score: number;
}

export function rankDeployments(strategy: StrategyName, group: readonly Deployment[], input: StrategyInput): Ranked[] {
  switch (strategy) {
    case 'round-robin':
      return roundRobin(group, input.cursor);
    case 'least-busy':
      return ascending(group, (d) => input.stats(d.id)?.inflight ?? 0, input.rng);
    case 'latency':
      return latency(group, input);
    case 'cost':
      return ascending(group, (d) => estimatedCost(d, input.promptTokens, input.outputTokens), input.rng);
    case 'usage':
      return descending(group, (d) => headroom(d, input));
    default:
      return weighted(group, input.rng);
  }
}

/** Estimated USD of one request on a deployment. */
export function estimatedCost(d: Deployment, promptTokens: number, outputTokens: number): number {
  const p = d.pricing;
  return p ? (promptTokens * p.input_per_1m + outputTokens * p.output_per_1m) / 1e6 : 0;
}

function weighted(group: readonly Deployment[], rng: Rng): Ranked[] {
  const out = group.map((d) => ({ deployment: d, score: d.weight > 0 ? Math.pow(rng(), 1 / d.weight) : 0 }));
  return out.sort((a, b) => b.score - a.score);
}

function roundRobin(group: readonly Deployment[], cursor: number): Ranked[] {
  const n = group.length;
  const out: Ranked[] = [];
  for (let i = 0; i < n; i++) out.push({ deployment: group[(cursor + i) % n]!, score: i });
  return out;
}

/** Sort ascending by `f`, ties broken at random so equal deployments share load. */
function ascending(group: readonly Deployment[], f: (d: Deployment) => number, rng: Rng): Ranked[] {
  const out = group.map((d) => ({ deployment: d, score: f(d), tie: rng() }));
  out.sort((a, b) => a.score - b.score || a.tie - b.tie);
  return out.map(({ deployment, score }) => ({ deployment, score }));
}

function descending(group: readonly Deployment[], f: (d: Deployment) => number): Ranked[] {
  return group.map((d) => ({ deployment: d, score: f(d) })).sort((a, b) => b.score - a.score);
}

function latencyCost(d: Deployment, input: StrategyInput): number {
  const s = input.stats(d.id);
  if (!s || s.latency === undefined) return 0; // unmeasured: try it, so it gets a figure
  const base = input.stream ? (s.ttft ?? s.latency) : s.latency;
  return base * (s.inflight + 1);
}

function latency(group: readonly Deployment[], input: StrategyInput): Ranked[] {
  const ranked = ascending(group, (d) => latencyCost(d, input), input.rng);
  if (ranked.length < 3) return ranked;
  // Power of two choices: pick two at random, the cheaper goes first. Less herd-prone
  // than always taking the global best when several gateways share one view.
  const i = Math.floor(input.rng() * ranked.length);
  let j = Math.floor(input.rng() * (ranked.length - 1));
  if (j >= i) j++;
  const best = ranked[i]!.score <= ranked[j]!.score ? i : j;
  const [first] = ranked.splice(best, 1);
  return [first!, ...ranked];
}

/** Remaining fraction of the tighter of RPM and TPM (1 when neither is set). */
function headroom(d: Deployment, input: StrategyInput): number {
  const used = input.stats(d.id)?.lastMinute(input.now) ?? { requests: 0, tokens: 0 };
  let h = 1;
  if (d.rpm) h = Math.min(h, 1 - (used.requests + 1) / d.rpm);
  if (d.tpm) h = Math.min(h, 1 - (used.tokens + input.promptTokens + input.outputTokens) / d.tpm);
  return h;
}
