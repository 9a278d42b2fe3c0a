/**
 * Distributed tracing: one OpenTelemetry SERVER span per request, continuing the caller's
 * W3C trace when it sent a `traceparent`, exported in batches over OTLP/HTTP. The span's
 * context replaces `ctx.traceparent`, so the provider call (and a proxy route's upstream
 * app) carries it and the upstream's own spans become children of the gateway's. Place it
 * first in the pipeline so the span also covers requests refused by later plugins.
 * Exporting never delays or fails a request: spans queue (bounded) and export off the
 * request path; a collector that is down costs dropped spans, counted in a metric.
 */
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { PluginDefinition } from '../../engine/types.ts';
import { stateKey } from '../../engine/context.ts';
import { createTracer, type TracerConfig } from './exporter.ts';
import { parentContext, traceparentOf } from './span-context.ts';
import { endAttributes, spanName, startAttributes } from './attributes.ts';
import schema from './schema.json' with { type: 'json' };

const SPAN = stateKey<Span>('tracing.span');

const tracing: PluginDefinition<TracerConfig> = {
  name: 'tracing',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'OpenTelemetry spans over OTLP/HTTP with W3C trace-context propagation.',
  configSchema: schema,
  create(config, env) {
    const exported = env.metrics.counter({ name: 'gateway_trace_spans_exported_total', help: 'Spans sent to the OTLP endpoint, by outcome (ok, error)', labelNames: ['outcome'] as const });
    const { tracer, shutdown } = createTracer(config, (ok, n) => {
      exported.inc({ outcome: ok ? 'ok' : 'error' }, n);
      // The endpoint is logged, never the export headers (they may hold a vendor key).
      if (!ok) env.logger.warn({ endpoint: config.endpoint, spans: n }, 'trace export failed');
    });
    return {
      onRequest(ctx) {
        const span = tracer.startSpan(spanName(ctx), { kind: SpanKind.SERVER, startTime: ctx.startedAt, attributes: startAttributes(ctx) }, parentContext(ctx.traceparent, ctx.tracestate));
        ctx.set(SPAN, span);
        ctx.traceparent = traceparentOf(span.spanContext());
      },
      onDone(ctx) {
        const span = ctx.get(SPAN);
        if (!span) return;
        const status = ctx.signal.aborted && !ctx.error ? 499 : ctx.status ?? ctx.error?.status ?? 0;
        if (span.isRecording()) {
          span.setAttributes(endAttributes(ctx, status));
          // HTTP server convention: 5xx is the server's error; 4xx is the client's, not the span's.
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.error?.publicCode });
        }
        span.end();
      },
      close: shutdown,
    };
  },
};

export default tracing;
