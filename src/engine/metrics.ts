/**
 * The process's Prometheus registry. Metrics are created once per process and reused
 * across config generations (prom-client refuses a second registration of a name), so
 * plugins ask for them by name through `counter/gauge/histogram`, which return the
 * existing metric when it is already there.
 */
import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';

export interface MetricOpts<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'gateway_process_' });
  }

  counter<L extends string>(o: MetricOpts<L>): Counter<L> {
    return (
      (this.registry.getSingleMetric(o.name) as Counter<L> | undefined) ??
      new Counter<L>({ name: o.name, help: o.help, labelNames: o.labelNames ?? [], registers: [this.registry] })
    );
  }

  gauge<L extends string>(o: MetricOpts<L>): Gauge<L> {
    return (
      (this.registry.getSingleMetric(o.name) as Gauge<L> | undefined) ??
      new Gauge<L>({ name: o.name, help: o.help, labelNames: o.labelNames ?? [], registers: [this.registry] })
    );
  }

  histogram<L extends string>(o: MetricOpts<L> & { buckets?: number[] }): Histogram<L> {
    return (
      (this.registry.getSingleMetric(o.name) as Histogram<L> | undefined) ??
      new Histogram<L>({ name: o.name, help: o.help, labelNames: o.labelNames ?? [], buckets: o.buckets, registers: [this.registry] })
    );
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Engine-level metrics (config reloads, in-flight); request metrics belong to the metrics plugin. */
export function engineMetrics(m: MetricsRegistry) {
  return {
    reloads: m.counter({ name: 'gateway_config_reloads_total', help: 'Config reloads by outcome', labelNames: ['outcome'] as const }),
    generation: m.gauge({ name: 'gateway_config_generation', help: 'Config generation now serving' }),
    inflight: m.gauge({ name: 'gateway_inflight_requests', help: 'Requests in flight', labelNames: ['endpoint'] as const }),
    connectionsRefused: m.counter({
      name: 'gateway_connections_refused_total',
      help: 'Connections closed as they were accepted, by reason (per_ip_cap: server.max_connections_per_ip)',
      labelNames: ['reason'] as const,
    }),
    pluginErrors: m.counter({ name: 'gateway_plugin_errors_total', help: 'Plugins that threw, by plugin and phase', labelNames: ['plugin', 'phase'] as const }),
  };
}
