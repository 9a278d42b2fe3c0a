/** OpenAI's rate-limit response headers, from the tightest bucket of each unit. */
import type { BucketState } from './limiter.ts';
import type { RequestBucket } from './buckets.ts';

/** OpenAI's duration style: `20ms`, `6s`, `1m30s`. */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

/** Header names per unit, made once (not a template string per request and header). */
const NAMES = (['requests', 'tokens'] as const).map((unit) => ({
  unit,
  limit: `x-ratelimit-limit-${unit}`,
  remaining: `x-ratelimit-remaining-${unit}`,
  reset: `x-ratelimit-reset-${unit}`,
}));

export function rateLimitHeaders(buckets: readonly RequestBucket[], states: readonly BucketState[], out: Record<string, string>): void {
  for (let u = 0; u < NAMES.length; u++) {
    const { unit, limit, remaining, reset } = NAMES[u]!;
    let best = -1;
    let bestRemaining = Infinity;
    for (let i = 0; i < buckets.length; i++) {
      if (buckets[i]!.unit !== unit) continue;
      const remaining = buckets[i]!.limit - states[i]!.used;
      if (remaining < bestRemaining) {
        bestRemaining = remaining;
        best = i;
      }
    }
    if (best < 0) continue;
    out[limit] = String(buckets[best]!.limit);
    out[remaining] = String(Math.max(0, Math.floor(bestRemaining)));
    out[reset] = formatReset(states[best]!.resetMs);
  }
}
