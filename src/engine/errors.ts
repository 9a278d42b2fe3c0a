/**
 * The one error registry of the gateway (after Fastify's lib/errors.js and undici's
 * core/errors.js): every error a client can see has a code here, with its HTTP status,
 * its OpenAI error `type`, the public `code` that goes in the body, and a default
 * message that never contains internals. Tests assert on `GatewayError.code`.
 *
 * @example
 *   throw gatewayError('GW_ERR_RATE_LIMITED', { retryAfter: 3 });
 */

export interface ErrorSpec {
  status: number;
  /** OpenAI's `error.type`. */
  type: string;
  /** The public `error.code` (OpenAI's spelling where OpenAI has one). */
  publicCode: string;
  message: string;
}

export const ERRORS = {
  // Client input
  GW_ERR_BAD_JSON: { status: 400, type: 'invalid_request_error', publicCode: 'invalid_json', message: 'The request body is not valid JSON.' },
  GW_ERR_INVALID_REQUEST: { status: 400, type: 'invalid_request_error', publicCode: 'invalid_request', message: 'The request is invalid.' },
  GW_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    type: 'invalid_request_error',
    publicCode: 'unsupported_media_type',
    message: 'Content-Type must be application/json.',
  },
  GW_ERR_REQUEST_TIMEOUT: {
    status: 408,
    type: 'invalid_request_error',
    publicCode: 'request_timeout',
    message: 'The request body was not received in time.',
  },
  GW_ERR_BODY_TOO_LARGE: { status: 413, type: 'invalid_request_error', publicCode: 'request_too_large', message: 'The request body is too large.' },
  GW_ERR_NOT_FOUND: { status: 404, type: 'invalid_request_error', publicCode: 'not_found', message: 'No such route.' },
  GW_ERR_METHOD_NOT_ALLOWED: { status: 405, type: 'invalid_request_error', publicCode: 'method_not_allowed', message: 'Method not allowed.' },
  GW_ERR_MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error', publicCode: 'model_not_found', message: 'The model does not exist.' },
  GW_ERR_CAPABILITY_UNSUPPORTED: {
    status: 400,
    type: 'invalid_request_error',
    publicCode: 'unsupported_capability',
    message: 'The model does not support this request.',
  },
  GW_ERR_CONTEXT_LENGTH_EXCEEDED: {
    status: 400,
    type: 'invalid_request_error',
    publicCode: 'context_length_exceeded',
    message: "The request exceeds the model's context window.",
  },
  GW_ERR_CONTENT_BLOCKED: {
    status: 400,
    type: 'invalid_request_error',
    publicCode: 'content_policy_violation',
    message: 'The request was blocked by the content policy.',
  },

  // Identity and limits
  GW_ERR_UNAUTHORIZED: { status: 401, type: 'authentication_error', publicCode: 'invalid_api_key', message: 'Missing or invalid API key.' },
  GW_ERR_FORBIDDEN: { status: 403, type: 'permission_error', publicCode: 'permission_denied', message: 'This API key may not perform this request.' },
  GW_ERR_RATE_LIMITED: { status: 429, type: 'rate_limit_error', publicCode: 'rate_limit_exceeded', message: 'Rate limit exceeded.' },
  GW_ERR_BUDGET_EXCEEDED: { status: 429, type: 'insufficient_quota', publicCode: 'budget_exceeded', message: 'Budget exceeded.' },
  GW_ERR_LIMITER_UNAVAILABLE: { status: 503, type: 'api_error', publicCode: 'limiter_unavailable', message: 'The rate limiter is unavailable.' },
  GW_ERR_STORE_UNAVAILABLE: { status: 503, type: 'api_error', publicCode: 'store_unavailable', message: 'The gateway database is unavailable; retry shortly.' },

  // Upstream (provider) failures, one taxonomy for every adapter
  GW_ERR_PROVIDER_AUTH: {
    status: 502,
    type: 'api_error',
    publicCode: 'provider_authentication_error',
    message: 'The gateway could not authenticate with the provider.',
  },
  GW_ERR_PROVIDER_BAD_REQUEST: {
    status: 400,
    type: 'invalid_request_error',
    publicCode: 'provider_bad_request',
    message: 'The provider rejected the request.',
  },
  GW_ERR_PROVIDER_NOT_FOUND: { status: 404, type: 'invalid_request_error', publicCode: 'model_not_found', message: 'The provider does not know this model.' },
  GW_ERR_PROVIDER_CONFLICT: { status: 409, type: 'api_error', publicCode: 'provider_conflict', message: 'The provider reported a conflict.' },
  GW_ERR_PROVIDER_RATE_LIMITED: {
    status: 429,
    type: 'rate_limit_error',
    publicCode: 'rate_limit_exceeded',
    message: 'The provider is rate limiting requests.',
  },
  GW_ERR_PROVIDER_CONTENT_POLICY: {
    status: 400,
    type: 'invalid_request_error',
    publicCode: 'content_policy_violation',
    message: "The provider's content policy refused the request.",
  },
  GW_ERR_UPSTREAM_UNAVAILABLE: { status: 503, type: 'api_error', publicCode: 'upstream_unavailable', message: 'The provider is unavailable.' },
  GW_ERR_UPSTREAM_TIMEOUT: { status: 504, type: 'timeout_error', publicCode: 'upstream_timeout', message: 'The provider did not answer in time.' },
  GW_ERR_BAD_UPSTREAM_RESPONSE: { status: 502, type: 'api_error', publicCode: 'bad_upstream_response', message: 'The provider sent an invalid response.' },
  GW_ERR_NO_HEALTHY_DEPLOYMENT: { status: 503, type: 'api_error', publicCode: 'no_healthy_deployment', message: 'No deployment of this model is available.' },

  // The gateway itself
  GW_ERR_INTERNAL: { status: 500, type: 'api_error', publicCode: 'internal_error', message: 'Internal gateway error.' },
  GW_ERR_SHUTTING_DOWN: { status: 503, type: 'api_error', publicCode: 'shutting_down', message: 'The gateway is shutting down.' },
  GW_ERR_CLIENT_CLOSED: { status: 499, type: 'api_error', publicCode: 'client_closed_request', message: 'The client closed the request.' },
  GW_ERR_CONFIG_INVALID: { status: 500, type: 'api_error', publicCode: 'config_invalid', message: 'The configuration is invalid.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface GatewayErrorOptions {
  /** Replaces the registry message; must be safe to show a client (no secrets, no internals). */
  message?: string;
  /** The request field at fault, OpenAI's `error.param`. */
  param?: string | null;
  /** Seconds; sent as `Retry-After`. */
  retryAfter?: number;
  /** Upstream HTTP status, kept for logs and routing decisions, never sent to the client. */
  upstreamStatus?: number;
  /** Extra response headers (e.g. rate-limit headers on a 429). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one process-global symbol left, kept on purpose: a plugin installed as a package
 * with its own copy of llm-gateway (its own node_modules) makes its GatewayErrors with
 * another copy of this module, and `instanceof` on the class alone would take them for
 * internal errors (a 401 from such a plugin would reach the client as a 500).
 */
const BRAND = Symbol.for('llm-gateway.GatewayError');

export class GatewayError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly publicCode: string;
  readonly param: string | null;
  readonly retryAfter?: number;
  readonly upstreamStatus?: number;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, opts: GatewayErrorOptions = {}) {
    const spec: ErrorSpec = ERRORS[code];
    super(opts.message ?? spec.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = spec.status;
    this.type = spec.type;
    this.publicCode = spec.publicCode;
    this.param = opts.param ?? null;
    this.retryAfter = opts.retryAfter;
    this.upstreamStatus = opts.upstreamStatus;
    this.headers = opts.headers;
  }

  /** OpenAI's error body: `{"error":{"message","type","param","code"}}`. */
  toOpenAI(): { error: { message: string; type: string; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.publicCode } };
  }

  /**
   * Anthropic's error body: `{"type":"error","error":{"type","message"},"request_id"}`, the
   * id being the one the response's `request-id` / `x-request-id` headers carry.
   */
  toAnthropic(requestId: string | null = null): { type: 'error'; error: { type: string; message: string }; request_id: string | null } {
    return { type: 'error', error: { type: anthropicErrorType(this.status), message: this.message }, request_id: requestId };
  }
}

/** Anthropic's documented error types, by HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 408:
    case 413:
    case 415:
      return status === 413 ? 'request_too_large' : 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return 'api_error';
  }
}

export function gatewayError(code: ErrorCode, opts?: GatewayErrorOptions): GatewayError {
  return new GatewayError(code, opts);
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/**
 * Anything thrown that is not a GatewayError becomes a generic 500: the client never
 * sees the original message (it may hold internals); the caller logs the original.
 */
export function toGatewayError(err: unknown): GatewayError {
  return isGatewayError(err) ? err : new GatewayError('GW_ERR_INTERNAL', { cause: err });
}
