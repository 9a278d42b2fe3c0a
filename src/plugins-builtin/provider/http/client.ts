/**
 * The shared upstream HTTP client: one keep-alive undici Pool per provider (per connect
 * timeout actually in use), per-request first-byte / idle timeouts, a total-time timer,
 * a bound on how many bytes an answer may have, and abort wiring so a client that goes
 * away (or an answer that grows too large) frees the upstream socket at once.
 *
 * @example
 *   const http = new UpstreamHttp('https://api.openai.com/v1', { scrub, maxResponseBytes: 32 << 20 });
 *   const res = await http.post('/chat/completions', { headers, body, call });
 *   const json = await res.json();   // or: for await (const ev of res.sse()) …
 */
import type { Dispatcher, Pool } from 'undici';
import type { CallOptions } from '../../../engine/types.ts';
import { upstreamHttpError, badUpstream, type Headers } from './errors.ts';
import { transportError, type AbortReason } from './transport.ts';
import { parseSse, type SseMapper, type SseOwner } from './sse.ts';
import { readBounded, readPrefix } from './body.ts';
import { upstreamPool } from './pool.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from './options.ts';
import { DEFAULT_TIMEOUTS, type Timeouts, type SseEvent } from './types.ts';

export interface UpstreamHttpOptions {
  /** Max sockets (undici Pool `connections`); default: no cap, so open streams never queue. */
  connections?: number;
  /** Removes secrets from provider text kept in error messages. */
  scrub: (s: string) => string;
  /** Largest answer accepted (whole body, or all bytes of a stream); default 32 MiB. */
  maxResponseBytes?: number;
  /** Seconds each request waited for a connection. */
  onPoolWait?: (seconds: number) => void;
}

/** Error bodies feed a message of at most ~1,000 characters: more is never read. */
const ERROR_BODY_BYTES = 64 * 1024;

export interface PostOptions {
  headers: Record<string, string>;
  body: string | Buffer;
  call: Pick<CallOptions, 'signal' | 'timeouts' | 'traceparent' | 'tracestate'>;
  method?: 'POST' | 'GET';
}

/** A 2xx response whose body is still unread; exactly one of json/buffer/sse must be called. */
export interface UpstreamResult {
  status: number;
  headers: Headers;
  /** The whole body, then the JSON it holds (GW_ERR_BAD_UPSTREAM_RESPONSE when it is not JSON). */
  json(): Promise<{ raw: Buffer; body: unknown }>;
  /** SSE events, pulled on demand; `return()` aborts the upstream request. */
  sse(): AsyncGenerator<SseEvent>;
  /** The same, each event mapped inside the parser's loop (no generator of the adapter's own). */
  sse<T>(mapper: SseMapper<T>): AsyncGenerator<T>;
}

export class UpstreamHttp {
  readonly origin: string;
  readonly basePath: string;
  private readonly pools = new Map<number, Pool>();
  private readonly opts: UpstreamHttpOptions;
  private readonly maxBytes: number;

  constructor(baseUrl: string, opts: UpstreamHttpOptions) {
    const u = new URL(baseUrl);
    this.origin = u.origin;
    this.basePath = u.pathname.replace(/\/+$/, '');
    this.opts = opts;
    this.maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** One pool per connect timeout (almost always exactly one), created on first use. */
  private pool(connectMs: number): Dispatcher {
    let p = this.pools.get(connectMs);
    if (!p) {
      p = upstreamPool(this.origin, { connections: this.opts.connections, connectTimeoutMs: connectMs, onWait: this.opts.onPoolWait });
      this.pools.set(connectMs, p);
    }
    return p;
  }

  /** Send a request; non-2xx answers throw the mapped GatewayError, after reading the error body. */
  async post(path: string, o: PostOptions): Promise<UpstreamResult> {
    const t: Timeouts = o.call.timeouts ?? DEFAULT_TIMEOUTS;
    const call = new UpstreamCall(o.call.signal, t, this.maxBytes);
    let res: Dispatcher.ResponseData;
    try {
      res = await this.pool(t.connect_ms).request({
        origin: this.origin,
        path: this.basePath + path,
        method: o.method ?? 'POST',
        headers: withTraceContext(o.headers, o.call),
        body: o.method === 'GET' ? undefined : o.body,
        signal: call,
        headersTimeout: t.first_byte_ms,
        bodyTimeout: t.idle_ms,
      });
    } catch (err) {
      call.cleanup();
      throw transportError(err, call.cause, t);
    }
    call.status = res.statusCode;
    call.headers = res.headers;
    call.body = res.body;
    if (call.status < 200 || call.status >= 300) {
      let text: string;
      try {
        text = await readPrefix(res.body, ERROR_BODY_BYTES);
      } catch (err) {
        throw call.fail(err);
      } finally {
        call.cleanup();
        call.abandon();
      }
      throw upstreamHttpError(call.status, res.headers, text, this.opts.scrub);
    }
    return call;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }
}

/** The adapter's headers plus W3C trace context when the request carries one (a copy: adapters share theirs). */
function withTraceContext(headers: Record<string, string>, call: PostOptions['call']): Record<string, string> {
  if (!call.traceparent) return headers;
  const h: Record<string, string> = { ...headers, traceparent: call.traceparent };
  if (call.tracestate) h.tracestate = call.tracestate;
  return h;
}

/**
 * One upstream request's abort wiring and its unread answer. It is itself the signal
 * undici listens to (undici takes any object with addEventListener), aborted when the
 * client goes away (it listens to the request's signal through handleEvent) or when the
 * total-time timer fires: no AbortController and no closures per request. An AbortSignal
 * is an EventTarget, and creating one was the gateway's largest single self-time frame
 * (~2% of the CPU of a request, with its listener bookkeeping ~4%).
 */
class UpstreamCall implements UpstreamResult, SseOwner {
  aborted = false;
  reason: unknown = undefined;
  /** Why we aborted, if we did: which of our own reasons, since undici only says "aborted". */
  cause: AbortReason;
  status = 0;
  headers: Headers = {};
  body: Dispatcher.ResponseData['body'] | undefined;
  private listener: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly parent: AbortSignal,
    private readonly timeouts: Timeouts,
    private readonly maxBytes: number,
  ) {
    this.timer = setTimeout(onTotalTimeout, timeouts.total_ms, this);
    if (parent.aborted) this.abort('client');
    else parent.addEventListener('abort', this, { once: true });
  }

  /** The request's signal fired: the client went away. */
  handleEvent(): void {
    this.abort('client');
  }

  abort(cause: AbortReason): void {
    this.cause ??= cause;
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    const l = this.listener;
    this.listener = undefined;
    l?.();
  }

  // The EventTarget side undici uses: one listener (the request's own).
  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = undefined;
  }

  cleanup(): void {
    clearTimeout(this.timer);
    this.parent.removeEventListener('abort', this);
  }

  fail(err: unknown) {
    return transportError(err, this.cause, this.timeouts, this.status);
  }

  /** Drop the socket rather than drain it: the rest of the body is unwanted. */
  abandon(): void {
    const body = this.body;
    if (!body || body.readableEnded) return;
    body.destroy();
    this.abort(undefined);
  }

  async json(): Promise<{ raw: Buffer; body: unknown }> {
    let raw: Buffer;
    try {
      raw = await readBounded(this.body!, this.maxBytes, this.headers, this.status);
    } catch (err) {
      throw this.fail(err);
    } finally {
      this.cleanup();
      this.abandon();
    }
    try {
      return { raw, body: JSON.parse(raw.toString('utf8')) as unknown };
    } catch (err) {
      throw badUpstream('the body is not JSON', this.status, err);
    }
  }

  /** The parser's own generator, with this call as its owner (errors mapped, books closed): no wrapper per event. */
  sse(): AsyncGenerator<SseEvent>;
  sse<T>(mapper: SseMapper<T>): AsyncGenerator<T>;
  sse<T>(mapper?: SseMapper<T>): AsyncGenerator<T | SseEvent> {
    return mapper ? parseSse(this.body!, this.maxBytes, this, mapper) : parseSse(this.body!, this.maxBytes, this);
  }

  /** The events are over (SseOwner). Early return (client gone) or error: drop the socket now rather than drain it. */
  done(): void {
    this.cleanup();
    this.abandon();
  }
}

function onTotalTimeout(call: UpstreamCall): void {
  call.abort('total');
}
