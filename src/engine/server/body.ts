/**
 * Reads a request body once, with the size limit enforced while reading (and up front
 * from Content-Length), and parses it once.
 */
import type { IncomingMessage } from 'node:http';
import { gatewayError } from '../errors.ts';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../json-depth.ts';

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(gatewayError('GW_ERR_BODY_TOO_LARGE', { message: `The request body exceeds ${limit} bytes.` }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(gatewayError('GW_ERR_BODY_TOO_LARGE', { message: `The request body exceeds ${limit} bytes.` }));
        return;
      }
      chunks.push(c);
    };
    let ended = false;
    req.on('data', onData);
    req.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', reject);
    // A client that vanishes mid-body must not leave the request (and its generation) pending.
    req.once('close', () => {
      if (!ended) reject(gatewayError('GW_ERR_CLIENT_CLOSED'));
    });
  });
}

/** application/json (any charset); `+json` types too. */
export function isJsonContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  const base = ct.split(';', 1)[0]!.trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json');
}

export function parseJson(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw gatewayError('GW_ERR_BAD_JSON', { message: `The request body is not valid JSON: ${(err as Error).message}` });
  }
  if (jsonDepthExceeds(text)) throw gatewayError('GW_ERR_INVALID_REQUEST', { message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.` });
  return value;
}
