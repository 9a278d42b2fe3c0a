/**
 * The few upstream response headers worth passing on. Everything else (cookies,
 * organisation ids, rate-limit internals of our key) stays at the gateway.
 */
import type { Headers } from '../../http/errors.ts';

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** `x-request-id` (or `request-id`) as `x-upstream-request-id`, for support tickets. */
export function pickHeaders(h: Headers): Record<string, string> {
  const id = h['x-request-id'] ?? h['request-id'];
  const v = Array.isArray(id) ? id[0] : id;
  return v ? { 'x-upstream-request-id': v } : EMPTY;
}
