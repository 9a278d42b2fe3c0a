/**
 * The one upstream error taxonomy: every adapter turns a provider's HTTP error, a
 * transport failure or a broken body into a GatewayError through these functions, so a
 * 429 from Gemini and a 429 from Anthropic look the same to routing, retries and clients.
 * `upstreamStatus` is always set (0 when no HTTP status was received).
 *
 * @example
 *   if (res.status >= 400) throw upstreamHttpError(res.status, res.headers, text, scrub);
 */
import { gatewayError, type GatewayError } from '../../../engine/errors.ts';

export type Headers = Record<string, string | string[] | undefined>;
export type TimeoutKind = 'connect' | 'first_byte' | 'idle' | 'total';

const CONTEXT_RE =
  /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|input token count|exceeds the maximum number of tokens|input is too long|reduce the length/i;
const POLICY_RE = /content[_ ]?(?:policy|filter|management)|safety (?:system|settings|filter)|responsible ?ai|flagged|harm_category|prohibited content/i;

/** The provider's own message and code out of its error body (OpenAI, Anthropic, Gemini, Cohere, TGI shapes). */
export function providerErrorDetail(text: string): { message?: string; code?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) || undefined };
  }
  if (Array.isArray(body)) body = body[0];
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const e = b.error;
  if (typeof e === 'string') return { message: e, code: str(b.error_type) };
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    return { message: str(o.message), code: str(o.code) ?? str(o.type) ?? str(o.status) };
  }
  return { message: str(b.message) ?? str(b.detail), code: str(b.code) ?? str(b.type) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Seconds to wait, from `retry-after-ms`, `retry-after` (seconds or HTTP date) or `x-ratelimit-reset-*` ("1s", "6m0s"). */
export function retryAfterSeconds(h: Headers): number | undefined {
  const ms = Number(header(h, 'retry-after-ms'));
  if (header(h, 'retry-after-ms') !== undefined && Number.isFinite(ms)) return Math.max(0, Math.ceil(ms / 1000));
  const ra = header(h, 'retry-after');
  if (ra !== undefined) {
    const s = Number(ra);
    if (Number.isFinite(s)) return Math.max(0, Math.ceil(s));
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  const reset = header(h, 'x-ratelimit-reset-requests') ?? header(h, 'x-ratelimit-reset-tokens');
  return reset === undefined ? undefined : durationSeconds(reset);
}

/** OpenAI's reset durations: "1s", "250ms", "6m0s", "1h2m3.5s". */
function durationSeconds(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0,
    found = false;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    found = true;
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
  }
  return found ? Math.ceil(total) : undefined;
}

/**
 * A non-2xx upstream answer → GatewayError. `scrub` removes secrets from any provider text
 * kept in the message; auth failures never carry the provider's text at all.
 */
export function upstreamHttpError(status: number, headers: Headers, text: string, scrub: (s: string) => string): GatewayError {
  const upstreamStatus = status;
  if (status === 401 || status === 403) return gatewayError('GW_ERR_PROVIDER_AUTH', { upstreamStatus });
  const { message, code } = providerErrorDetail(text);
  const safe = message ? scrub(message).slice(0, 1000) : undefined;
  const both = `${code ?? ''} ${message ?? ''}`;
  if (status === 429) {
    const retryAfter = retryAfterSeconds(headers);
    return gatewayError('GW_ERR_PROVIDER_RATE_LIMITED', { upstreamStatus, retryAfter });
  }
  if (status === 408) return gatewayError('GW_ERR_UPSTREAM_TIMEOUT', { upstreamStatus, message: 'The provider timed out the request.' });
  if (status === 404)
    return gatewayError('GW_ERR_PROVIDER_NOT_FOUND', { upstreamStatus, message: safe ? `The provider answered not found: ${safe}` : undefined });
  if (status === 409) return gatewayError('GW_ERR_PROVIDER_CONFLICT', { upstreamStatus });
  if (status >= 500) return gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus, message: `The provider is unavailable (HTTP ${status}).` });
  if (status >= 400) {
    if (CONTEXT_RE.test(both)) return gatewayError('GW_ERR_CONTEXT_LENGTH_EXCEEDED', { upstreamStatus, message: safe, param: 'messages' });
    if (POLICY_RE.test(both)) return gatewayError('GW_ERR_PROVIDER_CONTENT_POLICY', { upstreamStatus, message: safe });
    return gatewayError('GW_ERR_PROVIDER_BAD_REQUEST', { upstreamStatus, message: safe });
  }
  return gatewayError('GW_ERR_BAD_UPSTREAM_RESPONSE', { upstreamStatus, message: `Unexpected provider status ${status}.` });
}

/**
 * An error event inside a stream (OpenAI `{"error":{…}}`, Anthropic `event: error`,
 * Gemini/Cohere error chunks) → GatewayError via the status its type implies.
 */
export function streamErrorEvent(type: string | undefined, message: string | undefined, scrub: (s: string) => string): GatewayError {
  const status = STREAM_ERROR_STATUS[type ?? ''] ?? 500;
  const text = JSON.stringify({ error: { message: message ?? '', type } });
  return upstreamHttpError(status, {}, text, scrub);
}

const STREAM_ERROR_STATUS: Record<string, number> = {
  overloaded_error: 529,
  api_error: 500,
  rate_limit_error: 429,
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  timeout_error: 408,
  server_error: 500,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The upstream sent something we cannot read (bad JSON, cut stream, unknown shape). */
export function badUpstream(detail: string, upstreamStatus = 200, cause?: unknown): GatewayError {
  return gatewayError('GW_ERR_BAD_UPSTREAM_RESPONSE', { upstreamStatus, message: `The provider sent an invalid response: ${detail}.`, cause });
}

const TIMEOUT_TEXT: Record<TimeoutKind, string> = {
  connect: 'connecting to it',
  first_byte: 'the first response byte',
  idle: 'the next stream chunk',
  total: 'the whole response',
};

export function upstreamTimeout(kind: TimeoutKind, ms: number, upstreamStatus = 0): GatewayError {
  return gatewayError('GW_ERR_UPSTREAM_TIMEOUT', {
    upstreamStatus,
    message: `The provider did not answer in time (${kind} timeout: ${ms} ms waiting for ${TIMEOUT_TEXT[kind]}).`,
  });
}
