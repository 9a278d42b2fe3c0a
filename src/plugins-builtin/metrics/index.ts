/**
 * Records every request in Prometheus metrics once it is done (onDone, off the hot path).
 * Label values come from config (model names, routes), never from raw client input, so a
 * client cannot blow up the series count by sending random model names.
 */
import type { PluginDefinition } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { clientAborted, recordedStatus } from '../../engine/request-outcome.ts';
import schema from './schema.json' with { type: 'json' };

interface MetricsConfig {
  latency_buckets: number[];
}

function routeLabel(ctx: RequestContext): string {
  return ctx.endpoint === 'proxy' ? 'proxy' : ctx.endpoint;
}

const metrics: PluginDefinition<MetricsConfig> = {
  name: 'metrics',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Prometheus request metrics.',
  configSchema: schema,
  create(config, env) {
    const m = env.metrics;
    const labels = ['route', 'model', 'provider', 'status'] as const;
    const requests = m.counter({ name: 'gateway_requests_total', help: 'Requests by route, model, provider and HTTP status', labelNames: labels });
    const latency = m.histogram({
      name: 'gateway_request_duration_seconds',
      help: 'Request latency, arrival to last byte',
      labelNames: ['route', 'model', 'provider'] as const,
      buckets: config.latency_buckets,
    });
    const ttfb = m.histogram({
      name: 'gateway_time_to_first_byte_seconds',
      help: 'Arrival to first response byte (first token for streams)',
      labelNames: ['route', 'model', 'provider', 'stream'] as const,
      buckets: config.latency_buckets,
    });
    const tokens = m.counter({
      name: 'gateway_tokens_total',
      help: 'Tokens by direction (prompt, completion, cached, reasoning)',
      labelNames: ['model', 'provider', 'type'] as const,
    });
    const cost = m.counter({ name: 'gateway_cost_usd_total', help: 'Spend in USD from usage x model pricing', labelNames: ['model', 'provider'] as const });
    const errors = m.counter({
      name: 'gateway_errors_total',
      help: 'Failed requests by error code (client aborts are not failures: see status 499)',
      labelNames: ['route', 'code'] as const,
    });
    const catalog = env.models;

    return {
      onDone(ctx) {
        const route = routeLabel(ctx);
        const model = ctx.deployment?.name ?? (ctx.model !== undefined && catalog.group(ctx.model) ? ctx.model : 'unknown');
        const provider = ctx.deployment?.provider ?? 'none';
        const aborted = clientAborted(ctx);
        const status = String(recordedStatus(ctx));
        requests.inc({ route, model, provider, status });
        const now = performance.now();
        latency.observe({ route, model, provider }, (now - ctx.startedAt) / 1000);
        if (ctx.firstByteAt !== undefined) ttfb.observe({ route, model, provider, stream: String(ctx.stream) }, (ctx.firstByteAt - ctx.startedAt) / 1000);
        // A client that left is counted by its 499 above, not as a failure of the gateway.
        if (ctx.error && !aborted) errors.inc({ route, code: ctx.error.publicCode });
        const u = ctx.usage;
        if (u) {
          tokens.inc({ model, provider, type: 'prompt' }, u.prompt_tokens || 0);
          tokens.inc({ model, provider, type: 'completion' }, u.completion_tokens || 0);
          const cached = u.prompt_tokens_details?.cached_tokens;
          if (cached) tokens.inc({ model, provider, type: 'cached' }, cached);
          const reasoning = u.completion_tokens_details?.reasoning_tokens;
          if (reasoning) tokens.inc({ model, provider, type: 'reasoning' }, reasoning);
        }
        if (ctx.cost) cost.inc({ model, provider }, ctx.cost);
      },
    };
  },
};

export default metrics;
