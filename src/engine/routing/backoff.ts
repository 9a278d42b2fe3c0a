/**
 * Retry delays: exponential back-off with full jitter (AWS's "Exponential Backoff And
 * Jitter": delay = random(0, min(max, base × 2^n))), except that a provider's
 * Retry-After is honoured as given, up to a cap.
 *
 * @example
 *   retryDelay(2, { attempts: 3, base_delay_ms: 200, max_delay_ms: 5000 }, undefined, 10_000, Math.random); // 0..800 ms
 *   retryDelay(1, retry, 3, 10_000, Math.random); // 3000 ms: Retry-After wins
 */
import type { RetryConfig } from '../config/types.ts';
import type { Rng } from './rng.ts';

/**
 * @param failures how many times this deployment has failed in this request (1 = first)
 * @param retryAfterS the provider's Retry-After, seconds
 */
export function retryDelay(failures: number, retry: Required<RetryConfig>, retryAfterS: number | undefined, capMs: number, rng: Rng): number {
  if (retryAfterS !== undefined && retryAfterS >= 0) return Math.min(retryAfterS * 1000, capMs);
  const ceiling = Math.min(retry.max_delay_ms, retry.base_delay_ms * 2 ** Math.max(0, failures - 1));
  return Math.floor(rng() * ceiling);
}
