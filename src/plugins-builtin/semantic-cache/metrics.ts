/**
 * The cache's metrics, and what it does when its store fails: count it, log the outage at
 * a bounded rate (engine/log-limit.ts; never the prompt or the key), and log the
 * recovery on the next success.
 */
import type { Logger } from 'pino';
import type { MetricsRegistry } from '../../engine/metrics.ts';
import { outageLog } from '../../engine/log-limit.ts';

export function cacheMetrics(m: MetricsRegistry, logger: Logger) {
  const requests = m.counter({
    name: 'gateway_cache_requests_total',
    help: 'Semantic-cache outcomes: hit_exact, hit_semantic, miss, bypass per request; store and error per store call',
    labelNames: ['result'] as const,
  });
  const lookup = m.histogram({
    name: 'gateway_cache_lookup_duration_seconds',
    help: 'Semantic-cache lookup time (store read, embedding and similarity search) by result',
    labelNames: ['result'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  });
  const outage = outageLog(logger, 'semantic-cache store', { effect: 'bypassing the cache' });
  return {
    requests,
    lookup,
    failed(err: unknown, op: 'lookup' | 'store'): void {
      requests.inc({ result: 'error' });
      outage.failed(err, { op });
    },
    ok(): void {
      outage.ok();
    },
  };
}
