/**
 * What the rate limiter does when its store fails: count it, log the outage at a bounded
 * rate (engine/log-limit.ts), and fail open (undefined: let the request through) or
 * closed (503). The next success logs the recovery; ioredis reconnects by itself.
 */
import type { Logger } from 'pino';
import type { MetricsRegistry } from '../../engine/metrics.ts';
import { gatewayError } from '../../engine/errors.ts';
import { outageLog } from '../../engine/log-limit.ts';

export function storeGuard(metrics: MetricsRegistry, logger: Logger, mode: 'open' | 'closed') {
  const errors = metrics.counter({ name: 'gateway_ratelimit_store_errors_total', help: 'Rate-limit store (Redis) calls that failed' });
  const outage = outageLog(logger, 'rate-limit store', { effect: `failing ${mode}` });

  function failed(err: unknown): void {
    errors.inc();
    outage.failed(err);
  }

  const ok = (): void => outage.ok();

  return {
    /** The call's result, or undefined when failing open; throws 503 when failing closed. */
    async run<T>(call: () => Promise<T>): Promise<T | undefined> {
      try {
        const r = await call();
        ok();
        return r;
      } catch (err) {
        failed(err);
        if (mode === 'closed') throw gatewayError('GW_ERR_LIMITER_UNAVAILABLE');
        return undefined;
      }
    },
    /** Settle/release after the response: errors are counted, never thrown. */
    background(p: Promise<unknown>): void {
      p.then(ok, failed);
    },
  };
}
