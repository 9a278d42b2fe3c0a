/**
 * CORS from `server.cors`, built once per generation. No origins configured → no CORS
 * headers at all (browsers are refused), which is the safe default for an API gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerConfig } from '../config/types.ts';

export interface Cors {
  /** Sets headers; returns true when it answered a preflight (the caller stops). */
  apply(req: IncomingMessage, res: ServerResponse): boolean;
}

const DEFAULT_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'];
const DEFAULT_HEADERS = ['authorization', 'content-type', 'x-api-key', 'x-request-id', 'anthropic-version', 'openai-organization'];

export function buildCors(cfg: ServerConfig['cors'] | undefined): Cors {
  const origins = cfg?.origins ?? [];
  if (origins.length === 0) return { apply: () => false };
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const methods = (cfg?.methods ?? DEFAULT_METHODS).join(', ');
  const headers = (cfg?.headers ?? DEFAULT_HEADERS).join(', ');
  const maxAge = String(cfg?.max_age ?? 600);
  const credentials = cfg?.credentials === true;
  return {
    apply(req, res) {
      const origin = req.headers.origin;
      if (!origin || (!any && !allowed.has(origin))) return false;
      res.setHeader('access-control-allow-origin', any && !credentials ? '*' : origin);
      res.setHeader('vary', 'Origin');
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader(
        'access-control-expose-headers',
        'x-request-id, x-ratelimit-remaining-requests, x-ratelimit-remaining-tokens, retry-after, x-gateway-model',
      );
      if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
      res.setHeader('access-control-allow-methods', methods);
      res.setHeader('access-control-allow-headers', headers);
      res.setHeader('access-control-max-age', maxAge);
      res.writeHead(204).end();
      return true;
    },
  };
}
