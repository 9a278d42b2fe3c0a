/**
 * Incremental Server-Sent Events parser (WHATWG rules: `data:` lines joined by "\n",
 * blank line dispatches, `:` comments and keep-alives ignored, LF / CRLF / CR endings).
 * Pull-based: it reads the next upstream chunk only when the consumer asks for the next
 * event, so a slow client slows the upstream read instead of growing a buffer.
 *
 * @example
 *   for await (const ev of parseSse(res.body)) if (ev.data === '[DONE]') break;
 */
import { StringDecoder } from 'node:string_decoder';
import { badUpstream } from './errors.ts';
import { responseTooLarge } from './body.ts';
import type { SseEvent } from './types.ts';

/**
 * Who owns the byte stream: maps what parsing or reading threw (`fail`) and is told when
 * the events are over, however they ended (`done`: an error, the end, or the consumer's
 * early return). Given to the parser rather than wrapped around it as another generator,
 * which would cost a promise and a microtask turn per event.
 */
export interface SseOwner {
  fail(err: unknown): unknown;
  done(): void;
}

/**
 * Turns each event into what the stream yields, inside the parser's loop (an adapter
 * whose events map one to one needs no generator of its own, so no promise per event).
 */
export interface SseMapper<T> {
  /** The item for this event, or undefined to yield nothing; throws to fail the stream. */
  event(ev: SseEvent): T | undefined;
  /** The bytes are over (and ended between events); throws when the answer is cut short. */
  end?(): void;
}

/**
 * Parse SSE from a byte stream. Throws GW_ERR_BAD_UPSTREAM_RESPONSE when the stream ends
 * mid-event, or once more than `maxBytes` have arrived (counted over the whole stream).
 */
export function parseSse(body: AsyncIterable<Buffer | Uint8Array | string>, maxBytes?: number, owner?: SseOwner): AsyncGenerator<SseEvent>;
export function parseSse<T>(
  body: AsyncIterable<Buffer | Uint8Array | string>,
  maxBytes: number,
  owner: SseOwner | undefined,
  mapper: SseMapper<T>,
): AsyncGenerator<T>;
export async function* parseSse<T>(
  body: AsyncIterable<Buffer | Uint8Array | string>,
  maxBytes = Infinity,
  owner?: SseOwner,
  mapper?: SseMapper<T>,
): AsyncGenerator<T | SseEvent> {
  const decoder = new StringDecoder('utf8');
  const state: ParseState = { buf: '', data: undefined, event: undefined };
  const out: SseEvent[] = [];
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw responseTooLarge(maxBytes);
      state.buf += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      drainLines(state, out);
      for (let i = 0; i < out.length; i++) {
        const item = mapper ? mapper.event(out[i]!) : out[i]!;
        if (item !== undefined) yield item;
      }
      out.length = 0;
    }
    state.buf += decoder.end();
    if (state.buf.length) {
      state.buf += '\n';
      drainLines(state, out);
    }
    for (let i = 0; i < out.length; i++) {
      const item = mapper ? mapper.event(out[i]!) : out[i]!;
      if (item !== undefined) yield item;
    }
    if (state.data !== undefined) throw badUpstream('the stream ended in the middle of an event');
    mapper?.end?.();
  } catch (err) {
    throw owner ? owner.fail(err) : err;
  } finally {
    owner?.done();
  }
}

interface ParseState {
  buf: string;
  /** Data lines of the event being read; undefined when none yet. */
  data: string | undefined;
  event: string | undefined;
}

/** Consume every complete line in `state.buf`, pushing finished events to `out`. */
function drainLines(state: ParseState, out: SseEvent[]): void {
  const buf = state.buf;
  let start = 0;
  for (;;) {
    let nl = -1;
    for (let i = start; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 10 || c === 13) {
        nl = i;
        break;
      }
    }
    if (nl === -1) break;
    // A CR at the very end may be the first half of CRLF: wait for the next chunk.
    if (buf.charCodeAt(nl) === 13 && nl === buf.length - 1) break;
    onLine(state, buf.slice(start, nl), out);
    start = buf.charCodeAt(nl) === 13 && buf.charCodeAt(nl + 1) === 10 ? nl + 2 : nl + 1;
  }
  state.buf = start === 0 ? buf : buf.slice(start);
}

function onLine(state: ParseState, line: string, out: SseEvent[]): void {
  if (line.length === 0) {
    if (state.data !== undefined) out.push(state.event === undefined ? { data: state.data } : { event: state.event, data: state.data });
    state.data = undefined;
    state.event = undefined;
    return;
  }
  if (line.charCodeAt(0) === 58 /* : */) return;
  const colon = line.indexOf(':');
  const field = colon === -1 ? line : line.slice(0, colon);
  let value = colon === -1 ? '' : line.slice(colon + 1);
  if (value.charCodeAt(0) === 32) value = value.slice(1);
  if (field === 'data') state.data = state.data === undefined ? value : state.data + '\n' + value;
  else if (field === 'event') state.event = value;
  // id / retry are meaningless for a one-shot upstream response.
}
