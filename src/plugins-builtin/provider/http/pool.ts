/**
 * The keep-alive connection pool to one upstream, and the time each request waits for a
 * connection (queued behind busy sockets, or connecting a new one), reported through
 * `onWait` — the gateway_upstream_pool_wait_seconds histogram.
 *
 * An HTTP/1.1 stream holds its connection for the whole answer, so a pool capped at N
 * serves at most N streams at once and queues the rest silently: by default the pool is
 * not capped (`connections` on the provider sets a cap), and the wait is measured so a
 * cap that is too small shows.
 */
import { Pool, type Dispatcher } from 'undici';

export interface PoolOptions {
  /** Most sockets to the upstream; undefined = no cap. */
  connections?: number;
  connectTimeoutMs: number;
  /** Seconds from handing a request to the pool until it is written on a connection. */
  onWait?: (seconds: number) => void;
}

export function upstreamPool(origin: string, o: PoolOptions): Pool {
  const opts = { connections: o.connections ?? null, connectTimeout: o.connectTimeoutMs, keepAliveTimeout: 30_000, pipelining: 1 };
  return o.onWait ? new TimedPool(origin, opts, o.onWait) : new Pool(origin, opts);
}

/**
 * A Pool that times the wait of every request it dispatches. It wraps the handler in the
 * same (legacy) callback style `request()` uses, so undici adds no handler conversions
 * (an interceptor gets the other style and converts every response's headers twice: 3% of
 * the CPU of a stream in the open-streams benchmark).
 */
class TimedPool extends Pool {
  constructor(
    origin: string,
    opts: Pool.Options,
    private readonly onWait: (seconds: number) => void,
  ) {
    super(origin, opts);
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // request()'s handler has the callback style; a handler of the newer style goes through untimed.
    if (handler.onRequestStart) return super.dispatch(opts, handler);
    return super.dispatch(opts, new WaitTimingHandler(handler, performance.now(), this.onWait));
  }
}

/** Forwards every callback; notes when the request got a connection (or gave up waiting for one). */
class WaitTimingHandler implements Dispatcher.DispatchHandler {
  private started = false;

  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly queuedAt: number,
    private readonly onWait: (seconds: number) => void,
  ) {}

  private waited(): void {
    if (this.started) return;
    this.started = true;
    this.onWait((performance.now() - this.queuedAt) / 1000);
  }

  onConnect(abort: (err?: Error) => void, context?: unknown): void {
    this.waited();
    (this.inner.onConnect as (abort: (err?: Error) => void, context?: unknown) => void).call(this.inner, abort, context);
  }
  onError(err: Error): void {
    this.waited();
    this.inner.onError!(err);
  }
  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    return this.inner.onHeaders!(statusCode, headers, resume, statusText);
  }
  onData(chunk: Buffer): boolean {
    return this.inner.onData!(chunk);
  }
  onComplete(trailers: string[] | null): void {
    this.inner.onComplete!(trailers);
  }
  onBodySent(chunkSize: number, totalBytesSent: number): void {
    this.inner.onBodySent?.(chunkSize, totalBytesSent);
  }
}
