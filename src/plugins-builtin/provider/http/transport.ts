/**
 * Transport failures (undici errors, socket errors, aborts) → the upstream taxonomy.
 * Which of our own timers fired is known to the caller (`abortReason`), because an
 * aborted undici request only says "aborted".
 */
import { gatewayError, isGatewayError, type GatewayError } from '../../../engine/errors.ts';
import { upstreamTimeout, type TimeoutKind } from './errors.ts';
import type { Timeouts } from './types.ts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const UNDICI_TIMEOUTS: Record<string, TimeoutKind> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'first_byte',
  UND_ERR_BODY_TIMEOUT: 'idle',
};

const MS_OF: Record<TimeoutKind, keyof Timeouts> = {
  connect: 'connect_ms',
  first_byte: 'first_byte_ms',
  idle: 'idle_ms',
  total: 'total_ms',
};

/** Why we aborted a request ourselves, if we did. */
export type AbortReason = 'total' | 'client' | undefined;

/**
 * Map anything thrown while talking to the upstream. GatewayErrors pass through;
 * `upstreamStatus` is the HTTP status if headers had arrived, else 0.
 */
export function transportError(err: unknown, abortReason: AbortReason, timeouts: Timeouts, upstreamStatus = 0): GatewayError {
  if (isGatewayError(err)) return err;
  if (abortReason === 'total') return upstreamTimeout('total', timeouts.total_ms, upstreamStatus);
  if (abortReason === 'client') return gatewayError('GW_ERR_CLIENT_CLOSED', { upstreamStatus, cause: err });
  const code = errCode(err);
  const kind = code ? UNDICI_TIMEOUTS[code] : undefined;
  if (kind) return upstreamTimeout(kind, timeouts[MS_OF[kind]], upstreamStatus);
  if (code && NETWORK_CODES.has(code)) {
    return gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus, message: `The provider is unavailable (${code}).`, cause: err });
  }
  return gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus, cause: err });
}

/** The code of an error or of its cause chain (undici wraps socket errors). */
function errCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}
