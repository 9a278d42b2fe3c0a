/**
 * The plan's filter steps: each removes deployments and says why. `context_window` also
 * keeps the promise of a model's `context_length_exceeded` fallback chain (else its `any`
 * chain, as dispatch would follow on the upstream's error): when the prompt fits none of
 * a model's deployments, the chain's models take its place, checked in turn.
 *
 * The tokens a request needs are its prompt's (counted with each deployment's tokenizer)
 * plus `max_tokens` (or `max_completion_tokens`), else DEFAULT_OUTPUT_TOKENS (256).
 *
 * @example
 *   const { removed, fallbacks } = contextWindow(pool, f, router, tokensFor);
 */
import type { Deployment } from '../../engine/types.ts';
import { missingCapabilities } from '../../engine/capabilities.ts';
import type { Capability } from '../../engine/openai-types.ts';
import { estimatedCost } from '../../engine/routing/strategies.ts';
import type { CompiledRouter } from './config.ts';
import type { Features } from './features.ts';
import type { CandidatePool } from './pool.ts';

export type TokensFor = (d: Deployment) => number;

export function contextWindow(pool: CandidatePool, f: Features, router: CompiledRouter, tokensFor: TokensFor): { removed: number; fallbacks: string[] } {
  let removed = 0;
  const fallbacks: Array<[from: string, to: string]> = [];
  const queue = [...pool.models()];
  for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
    const group = pool.liveOf(m);
    if (group.length === 0) continue;
    for (const d of group) {
      const need = tokensFor(d) + f.outputTokens;
      if (d.contextWindow && need > d.contextWindow) {
        pool.drop(d, 'context_window', `needs ${need} tokens > window ${d.contextWindow}`);
        removed++;
      }
    }
    if (pool.liveOf(m).length > 0) continue;
    const chains = router.policy.group(m).fallbacks;
    let after = m;
    for (const next of chains.context_length_exceeded ?? chains.any ?? []) {
      if (pool.has(next) || !pool.admit(next, { after })) continue;
      fallbacks.push([m, next]);
      queue.push(next);
      after = next;
    }
  }
  // Only the targets that fit are worth naming.
  return { removed, fallbacks: fallbacks.filter(([, to]) => pool.liveOf(to).length > 0).map(([from, to]) => `${from}->${to}`) };
}

/** Drops deployments lacking what the request needs; `missing` is what they lacked (for the 400's param). */
export function capabilities(pool: CandidatePool, f: Features): { removed: number; missing: Capability[] } {
  let removed = 0;
  const lacked = new Set<Capability>();
  for (const d of pool.live()) {
    const missing = missingCapabilities(d, f.need);
    if (missing.length) {
      for (const c of missing) lacked.add(c);
      pool.drop(d, 'capabilities', `missing ${missing.join(', ')}`);
      removed++;
    }
  }
  return { removed, missing: [...lacked] };
}

export function costCeiling(pool: CandidatePool, f: Features, ceiling: number, tokensFor: TokensFor): number {
  let removed = 0;
  for (const d of pool.live()) {
    const usd = estimatedCost(d, tokensFor(d), f.outputTokens);
    if (usd > ceiling) {
      pool.drop(d, 'cost_ceiling', `est. $${usd.toFixed(6)} > ceiling $${ceiling}`);
      removed++;
    }
  }
  return removed;
}
