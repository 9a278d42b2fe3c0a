/**
 * The one place a request's usage and cost are settled, for JSON and streamed answers
 * alike: the engine calls `settleUsage` once, after the last byte and before onDone.
 * Usage is the upstream's (a JSON body's `usage`; a stream's usage chunk, recorded by the
 * stream writer as it passed); cost is usage × the deployment's pricing (USD per million
 * tokens, from YAML), cached prompt tokens billed at `cached_input_per_1m` when the model
 * declares it. A plugin that knows better sets ctx.cost first (a cache hit costs 0).
 */
import type { RequestContext } from './context.ts';
import type { Usage } from './openai-types.ts';
import type { Deployment } from './types.ts';

export function costOf(usage: Usage | undefined, deployment: Deployment | undefined): number | undefined {
  const p = deployment?.pricing;
  if (!usage || !p) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cachedRate = p.cached_input_per_1m ?? p.input_per_1m;
  const fresh = Math.max(0, (usage.prompt_tokens ?? 0) - cached);
  // Embeddings report no completion tokens.
  return (fresh * p.input_per_1m + cached * cachedRate + (usage.completion_tokens ?? 0) * p.output_per_1m) / 1e6;
}

/** Settle ctx.usage (from the JSON answer when the stream writer recorded none) and ctx.cost. */
export function settleUsage(ctx: RequestContext): void {
  if (!ctx.usage) {
    const r = ctx.response;
    // An answer refused after it came (content filter) still spent its tokens.
    const u = r?.kind === 'json' ? (r.body as { usage?: Usage } | null | undefined)?.usage : undefined;
    if (u && typeof u === 'object') ctx.usage = u;
  }
  if (ctx.usage && ctx.cost === undefined) ctx.cost = costOf(ctx.usage, ctx.deployment);
}
