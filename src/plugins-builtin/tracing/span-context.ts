/**
 * W3C trace context ⇄ OpenTelemetry span context. RequestContext has already checked the
 * client's `traceparent` (version 00, ids not all zeros), so parsing is slicing.
 *
 * @example
 *   const parent = parentContext(ctx);               // ROOT_CONTEXT when the client sent none
 *   ctx.traceparent = traceparentOf(span.spanContext());
 */
import { ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { traceIdOf } from '../../engine/context.ts';

/** The caller's span as the parent of ours, or the root when the request carries no trace. */
export function parentContext(traceparent: string | undefined, tracestate: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  const sc: SpanContext = {
    traceId: traceIdOf(traceparent),
    spanId: traceparent.slice(36, 52),
    traceFlags: parseInt(traceparent.slice(53, 55), 16),
    isRemote: true,
  };
  if (tracestate) sc.traceState = new TraceState(tracestate);
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

/** `00-<trace id>-<span id>-<flags>` for a span: what the upstream receives as its parent. */
export function traceparentOf(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
