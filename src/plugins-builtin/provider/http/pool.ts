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

export interface UpstreamPool {
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export function upstreamPool(origin: string, o: PoolOptions): UpstreamPool {
  const pool = new Pool(origin, { connections: o.connections ?? null, connectTimeout: o.connectTimeoutMs, keepAliveTimeout: 30_000, pipelining: 1 });
  const dispatcher = o.onWait ? pool.compose(poolWaitInterceptor(o.onWait)) : pool;
  return { dispatcher, close: () => pool.close().catch(() => pool.destroy()) };
}

function poolWaitInterceptor(onWait: (seconds: number) => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) =>
    function timedDispatch(opts, handler) {
      return dispatch(opts, new PoolWaitHandler(handler, performance.now(), onWait));
    };
}

/**
 * Forwards every callback; notes the moment the pool started the request on a socket (or
 * gave up on it: a request aborted while queued waited too).
 */
class PoolWaitHandler implements Dispatcher.DispatchHandler {
  private started = false;

  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly queuedAt: number,
    private readonly onWait: (seconds: number) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.started = true;
    this.onWait((performance.now() - this.queuedAt) / 1000);
    this.inner.onRequestStart?.(controller, context);
  }
  onRequestUpgrade(...a: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>): void {
    this.inner.onRequestUpgrade?.(...a);
  }
  onResponseStart(...a: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>): void {
    this.inner.onResponseStart?.(...a);
  }
  onResponseData(...a: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseData']>>): void {
    this.inner.onResponseData?.(...a);
  }
  onResponseEnd(...a: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>): void {
    this.inner.onResponseEnd?.(...a);
  }
  onResponseError(...a: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseError']>>): void {
    if (!this.started) this.onWait((performance.now() - this.queuedAt) / 1000);
    this.inner.onResponseError?.(...a);
  }
}
