/**
 * Failure classes: which errors dispatch may retry, and which fallback chain an error
 * selects. One place so retries, breakers, fallbacks and metrics agree.
 *
 * @example
 *   classify(gatewayError('GW_ERR_PROVIDER_RATE_LIMITED')); // 'rate_limited'
 *   isRetryable('timeout'); // true
 */
import { isGatewayError } from '../errors.ts';

export const FAILURE_CLASSES = ['rate_limited', 'unavailable', 'timeout', 'context_length_exceeded', 'content_policy', 'auth', 'client', 'other'] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export function classify(err: unknown): FailureClass {
  if (!isGatewayError(err)) return 'unavailable';
  switch (err.code) {
    case 'GW_ERR_PROVIDER_RATE_LIMITED':
      return 'rate_limited';
    case 'GW_ERR_UPSTREAM_UNAVAILABLE':
    case 'GW_ERR_BAD_UPSTREAM_RESPONSE':
      return 'unavailable';
    case 'GW_ERR_UPSTREAM_TIMEOUT':
      return 'timeout';
    case 'GW_ERR_CONTEXT_LENGTH_EXCEEDED':
      return 'context_length_exceeded';
    case 'GW_ERR_PROVIDER_CONTENT_POLICY':
      return 'content_policy';
    case 'GW_ERR_PROVIDER_AUTH':
      return 'auth';
    case 'GW_ERR_INTERNAL':
      return 'other';
    default:
      if (err.upstreamStatus !== undefined && err.upstreamStatus >= 500) return 'unavailable';
      return 'client';
  }
}

/** Connect errors, 429, 5xx and timeouts may be tried again; the request was not at fault. */
export function isRetryable(c: FailureClass): boolean {
  return c === 'rate_limited' || c === 'unavailable' || c === 'timeout';
}

/** Failures that say something about the deployment's health (feed the breaker). */
export function countsAgainstHealth(c: FailureClass): boolean {
  return c === 'rate_limited' || c === 'unavailable' || c === 'timeout' || c === 'auth' || c === 'other';
}

/** Another deployment of the same group may succeed where this one failed. */
export function tryNextDeployment(c: FailureClass): boolean {
  return isRetryable(c) || c === 'auth' || c === 'other';
}
