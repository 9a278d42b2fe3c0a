/**
 * Writing responses on the hot path with `res.end` (not express's res.json: it costs
 * ~2× the CPU here, see TOOLCHAIN.md). Errors are OpenAI-shaped unless a codec says
 * otherwise, never carry internals, and set Retry-After when there is one.
 */
import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../errors.ts';

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const buf = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  writeRaw(res, status, buf, headers);
}

export function writeRaw(res: ServerResponse, status: number, buf: Buffer, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  for (const k in headers) res.setHeader(k, headers[k]!);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', buf.length);
  res.writeHead(status);
  res.end(buf);
}

export function errorHeaders(err: GatewayError, base: Record<string, string>): Record<string, string> {
  const h = err.headers ? { ...base, ...err.headers } : base;
  if (err.retryAfter !== undefined) h['retry-after'] = String(Math.max(0, Math.ceil(err.retryAfter)));
  return h;
}

export function writeError(res: ServerResponse, err: GatewayError, headers: Record<string, string>, body: unknown = err.toOpenAI()): void {
  const h = errorHeaders(err, headers);
  if (err.code === 'GW_ERR_METHOD_NOT_ALLOWED' && !h.allow) h.allow = 'POST';
  writeJson(res, err.status, body, h);
}
