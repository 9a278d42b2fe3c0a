/**
 * Reading upstream bodies with a bound: a provider (or anything answering at its URL) that
 * sends a gigabyte must cost the gateway at most the configured limit, never its memory.
 * Streams are bounded by the SSE parser with the same limit and error.
 *
 * @example
 *   const raw = await readBounded(res.body, 32 * 1024 * 1024, res.headers);
 */
import { badUpstream, type Headers } from './errors.ts';

/** GW_ERR_BAD_UPSTREAM_RESPONSE naming the limit; the caller aborts the upstream request. */
export function responseTooLarge(max: number, upstreamStatus = 200) {
  return badUpstream(`the response is larger than max_response_bytes (${max} bytes)`, upstreamStatus);
}

/** The whole body, or responseTooLarge as soon as it (or its announced length) passes `max`. */
export async function readBounded(body: AsyncIterable<Buffer>, max: number, headers: Headers, status = 200): Promise<Buffer> {
  const announced = Number(headers['content-length']);
  if (announced > max) throw responseTooLarge(max, status);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > max) throw responseTooLarge(max, status);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n);
}

/** Error bodies only feed a message: their first `max` bytes are enough, the rest is dropped unread. */
export async function readPrefix(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    n += chunk.length;
    if (n >= max) break;
  }
  return Buffer.concat(chunks, n).subarray(0, max).toString('utf8');
}
