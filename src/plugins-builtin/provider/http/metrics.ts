/**
 * The provider HTTP layer's one metric: how long requests wait for an upstream connection.
 * Near zero while the pool has room; a pool capped too low for the traffic (streams hold
 * their connection for the whole answer) shows here before it shows as slow answers.
 */
import type { MetricsRegistry } from '../../../engine/metrics.ts';

const BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30];

/** An observer for one provider's pool; the histogram is shared by every provider (label `provider`). */
export function poolWaitObserver(metrics: MetricsRegistry, provider: string): (seconds: number) => void {
  const h = metrics.histogram({
    name: 'gateway_upstream_pool_wait_seconds',
    help: 'Time an upstream request waited for a connection of its provider pool (queued or connecting)',
    labelNames: ['provider'] as const,
    buckets: BUCKETS,
  });
  const child = h.labels({ provider });
  return (seconds) => child.observe(seconds);
}
