/**
 * Admin error responses: the same OpenAI-shaped body as the API. `adminErrors` closes the
 * admin router: every route's error ends there, and so does what express and its body
 * parser raise before a route runs (bad or too deeply nested JSON, a body too large, a
 * malformed %-escape in the path), each a 4xx naming the problem instead of express's
 * HTML page or a generic error. An unexpected error is logged.
 */
import type { Request, Response, NextFunction } from 'express';
import type { Logger } from 'pino';
import { gatewayError, isGatewayError, toGatewayError, type GatewayError } from '../errors.ts';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../json-depth.ts';

export function sendError(res: Response, err: unknown): void {
  const e = toGatewayError(err);
  res.status(e.status).json(e.toOpenAI());
}

/** The type express.json reports for a body refused by `verifyDepth`. */
const TOO_DEEP = 'entity.too.deep';

/** express.json's `verify`: refuse a body nested past MAX_JSON_DEPTH before it is parsed. */
export function verifyDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonDepthExceeds(buf.toString('utf8'))) throw Object.assign(new Error('too deep'), { type: TOO_DEEP });
}

/** What express raised before a route ran, as the client's error; undefined for anything else. */
function requestError(err: unknown): GatewayError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return gatewayError('GW_ERR_BAD_JSON');
  if (type === 'entity.too.large') return gatewayError('GW_ERR_BODY_TOO_LARGE');
  if (type === TOO_DEEP) return gatewayError('GW_ERR_INVALID_REQUEST', { message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.` });
  if (err instanceof URIError) return gatewayError('GW_ERR_INVALID_REQUEST', { message: 'The path holds a malformed %-escape.' });
  // Other refusals of express and its body parser (an unsupported charset or
  // content-encoding, a body that does not inflate): client errors by their status.
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 415) return gatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', { message: 'Unsupported charset or content-encoding.' });
  if (typeof status === 'number' && status >= 400 && status < 500)
    return gatewayError('GW_ERR_INVALID_REQUEST', { message: 'The request body could not be read.' });
  return undefined;
}

/**
 * The admin router's last handler. A GatewayError is the client's answer; anything else
 * is a bug: a generic 500, and the cause logged in full (fail closed, never silently).
 */
export function adminErrors(logger: Logger) {
  return function adminError(err: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) return next(err);
    const e = isGatewayError(err) ? err : (requestError(err) ?? toGatewayError(err));
    if (e.code === 'GW_ERR_INTERNAL') logger.error({ err, method: req.method, path: req.path.slice(0, 256) }, 'admin request failed');
    sendError(res, e);
  };
}
