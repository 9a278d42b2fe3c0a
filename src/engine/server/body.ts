/**
 * Reads a request body once, with the size limit enforced while reading (and up front
 * from Content-Length), and parses it once.
 */
import type { IncomingMessage } from 'node:http';
import { gatewayError } from '../errors.ts';
import { isUtf8 } from 'node:buffer';
import { scanJsonText, MAX_JSON_DEPTH } from '../json-depth.ts';

/**
 * The body, at most `limit` bytes, all of it within `timeoutMs` of the call (0: no bound).
 * A client that sends part of it and stalls gets 408; one that goes away mid-body is a
 * client abort (499), never an internal error: either way the socket's own events end it.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs = 0): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(gatewayError('GW_ERR_BODY_TOO_LARGE', { message: `The request body exceeds ${limit} bytes.` }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      req.off('data', onData);
    };
    const fail = (e: Error): void => {
      if (settled) return;
      stop();
      reject(e);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        fail(gatewayError('GW_ERR_BODY_TOO_LARGE', { message: `The request body exceeds ${limit} bytes.` }));
        req.resume();
        return;
      }
      chunks.push(c);
    };
    if (timeoutMs > 0) {
      timer = setTimeout(() => fail(gatewayError('GW_ERR_REQUEST_TIMEOUT', { message: `The request body did not arrive within ${timeoutMs} ms.` })), timeoutMs);
    }
    req.on('data', onData);
    req.once('end', () => {
      if (settled) return;
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // The request stream errs only when its socket does (reset, or closed before the body
    // ended): the client's doing, not ours.
    req.once('error', (err) => fail(gatewayError('GW_ERR_CLIENT_CLOSED', { cause: err })));
    // A client that vanishes mid-body must not leave the request (and its generation) pending.
    req.once('close', () => fail(gatewayError('GW_ERR_CLIENT_CLOSED')));
  });
}

/** application/json (any charset); `+json` types too. */
export function isJsonContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  const base = ct.split(';', 1)[0]!.trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json');
}

/**
 * The body as the one object every plugin sees. Refused when a reader could take it
 * otherwise than JSON.parse does (the client's bytes may go upstream as they are, see
 * scanJsonText): invalid UTF-8, which decoding here replaces by U+FFFD while another
 * decoder may not, and a repeated key. Nesting past MAX_JSON_DEPTH is refused too.
 */
export function parseJson(buf: Buffer): unknown {
  if (!isUtf8(buf)) throw gatewayError('GW_ERR_BAD_JSON', { message: 'The request body is not valid UTF-8.' });
  const text = buf.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw gatewayError('GW_ERR_BAD_JSON', { message: `The request body is not valid JSON: ${(err as Error).message}` });
  }
  const problem = scanJsonText(text);
  if (problem?.kind === 'depth') throw gatewayError('GW_ERR_INVALID_REQUEST', { message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.` });
  if (problem?.kind === 'duplicate') {
    throw gatewayError('GW_ERR_INVALID_REQUEST', {
      message: `The request body has the key ${JSON.stringify(problem.key)} twice in one object, at ${problem.path}; each key may appear once.`,
      param: problem.path,
    });
  }
  return value;
}
