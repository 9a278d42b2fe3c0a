/**
 * Distributed tracing: one OpenTelemetry SERVER span per request, continuing the caller's
 * W3C trace when it sent a `traceparent`, and a CLIENT child span per upstream attempt
 * (the onAttempt phase: retries, hedges and fallbacks each get one), exported in batches
 * over OTLP/HTTP. Each provider call carries its attempt span's context (a proxy route's
 * app, the request span's), so the upstream's own spans join the trace under the
 * gateway's. Place it first in the pipeline so the span also covers requests refused by
 * later plugins. The span starts in the headers phase — before the body is read, so a
 * request refused on its headers (auth's 401) has one too — and is named after the model
 * once the body has told it.
 * Exporting never delays or fails a request: spans queue (bounded) and export off the
 * request path; a collector that is down costs dropped spans, counted in a metric.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { AttemptEnd, PluginDefinition } from '../../engine/types.ts';
import { stateKey, type RequestContext } from '../../engine/context.ts';
import { createTracer, type TracerConfig } from './exporter.ts';
import { parentContext, traceparentOf } from './span-context.ts';
import { attemptAttributes, endAttributes, spanName, startAttributes } from './attributes.ts';
import { recordedStatus } from '../../engine/request-outcome.ts';
import schema from './schema.json' with { type: 'json' };

const tracing: PluginDefinition<TracerConfig> = {
  name: 'tracing',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'OpenTelemetry spans over OTLP/HTTP with W3C trace-context propagation.',
  configSchema: schema,
  create(config, env) {
    const SPAN = stateKey<Span>('tracing.span');
    const exported = env.metrics.counter({
      name: 'gateway_trace_spans_exported_total',
      help: 'Spans sent to the OTLP endpoint, by outcome (ok, error)',
      labelNames: ['outcome'] as const,
    });
    const { tracer, shutdown } = createTracer(config, (ok, n) => {
      exported.inc({ outcome: ok ? 'ok' : 'error' }, n);
      // The endpoint is logged, never the export headers (they may hold a vendor key).
      if (!ok) env.logger.warn({ endpoint: config.endpoint, spans: n }, 'trace export failed');
    });
    function start(ctx: RequestContext): void {
      const span = tracer.startSpan(
        spanName(ctx),
        { kind: SpanKind.SERVER, startTime: ctx.startedAt, attributes: startAttributes(ctx) },
        parentContext(ctx.traceparent, ctx.tracestate),
      );
      ctx.set(SPAN, span);
      ctx.traceparent = traceparentOf(span.spanContext());
    }

    return {
      onHeaders: start,
      onRequest(ctx) {
        const span = ctx.get(SPAN);
        // Started without the headers phase (a test calling this hook alone): start it now.
        if (!span) return start(ctx);
        // The body is read by now: the model and request parameters are known.
        if (span.isRecording()) {
          span.updateName(spanName(ctx));
          span.setAttributes(startAttributes(ctx));
        }
      },
      // A CLIENT span per upstream call, child of the request's span; its context goes upstream.
      onAttempt(ctx, attempt): AttemptEnd | undefined {
        const parent = ctx.get(SPAN);
        if (!parent?.isRecording()) return undefined;
        const span = tracer.startSpan(
          spanName(ctx, attempt.deployment.model),
          { kind: SpanKind.CLIENT, attributes: attemptAttributes(ctx, attempt) },
          trace.setSpan(ROOT_CONTEXT, parent),
        );
        attempt.traceparent = traceparentOf(span.spanContext());
        return function endAttemptSpan(outcome) {
          span.setAttribute('gateway.attempt.outcome', outcome);
          // A cancelled attempt (lost hedge, client gone) is not a failure of the upstream.
          if (outcome !== 'ok' && outcome !== 'aborted') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
        };
      },
      onDone(ctx) {
        const span = ctx.get(SPAN);
        if (!span) return;
        const status = recordedStatus(ctx);
        if (span.isRecording()) {
          span.setAttributes(endAttributes(ctx, status));
          // HTTP server convention: 5xx is the server's error; 4xx is the client's, not the span's.
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.error?.publicCode });
        }
        // An explicit end on the same clock as the start (ctx.startedAt, performance.now()):
        // without one, a span given a start time ends on Date.now(), ms-grained and skewed.
        span.end(performance.now());
      },
      close: shutdown,
    };
  },
};

export default tracing;
