/**
 * Cost from usage × the deployment's pricing (USD per million tokens, from YAML).
 * Cached prompt tokens are billed at `cached_input_per_1m` when the model declares it.
 */
import type { Usage } from './openai-types.ts';
import type { Deployment } from './types.ts';

export function costOf(usage: Usage | undefined, deployment: Deployment | undefined): number | undefined {
  const p = deployment?.pricing;
  if (!usage || !p) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cachedRate = p.cached_input_per_1m ?? p.input_per_1m;
  const fresh = Math.max(0, usage.prompt_tokens - cached);
  return (fresh * p.input_per_1m + cached * cachedRate + usage.completion_tokens * p.output_per_1m) / 1e6;
}
