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
  res.writeHead(status, headerList(headers, ['content-type', 'application/json', 'content-length', String(buf.length)]));
  res.end(buf);
}

/**
 * Headers as the flat [name, value, …] list writeHead takes: one pass, no setHeader per
 * header (each builds and checks a map entry). `fixed` comes last and wins: a header of
 * the same name in `headers` (any case) is left out rather than sent twice.
 */
export function headerList(headers: Record<string, string>, fixed: readonly string[]): string[] {
  const out: string[] = [];
  for (const k in headers) {
    const lower = k.toLowerCase();
    let clash = false;
    for (let i = 0; i < fixed.length; i += 2) if (fixed[i] === lower) clash = true;
    if (!clash) out.push(k, headers[k]!);
  }
  for (let i = 0; i < fixed.length; i++) out.push(fixed[i]!);
  return out;
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
