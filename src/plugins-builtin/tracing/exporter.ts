/**
 * The OpenTelemetry tracer of one tracing-plugin instance: a BatchSpanProcessor over the
 * OTLP/HTTP (JSON) exporter, sampled parent-based with a ratio for new traces. Not
 * registered globally: each config generation owns its provider and shuts it down (flushing
 * what is queued) when it retires, so a reload can change the endpoint or the ratio.
 *
 * @example
 *   const t = createTracer(config, (ok) => exports.inc({ outcome: ok ? 'ok' : 'error' }));
 *   const span = t.tracer.startSpan('chat gpt-4o'); … span.end(); await t.shutdown();
 */
import type { Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ENGINE_API_VERSION } from '../../engine/types.ts';

export interface TracerConfig {
  endpoint: string;
  headers: Readonly<Record<string, string>>;
  sample_ratio: number;
  service_name: string;
  export_timeout_ms: number;
  batch_delay_ms: number;
  max_queue_size: number;
}

export interface GatewayTracer {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/** Reports each export's outcome (for a metric) without touching the spans. */
function observed(inner: SpanExporter, onExport: (ok: boolean, spans: number) => void): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      inner.export(spans, (r) => {
        onExport(r.code === ExportResultCode.SUCCESS, spans.length);
        done(r);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

export function createTracer(c: TracerConfig, onExport: (ok: boolean, spans: number) => void): GatewayTracer {
  const exporter = new OTLPTraceExporter({ url: c.endpoint, headers: { ...c.headers }, timeoutMillis: c.export_timeout_ms });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: c.service_name, [ATTR_SERVICE_VERSION]: ENGINE_API_VERSION }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(c.sample_ratio) }),
    spanProcessors: [
      new BatchSpanProcessor(observed(exporter, onExport), {
        maxQueueSize: c.max_queue_size,
        maxExportBatchSize: Math.min(512, c.max_queue_size),
        scheduledDelayMillis: c.batch_delay_ms,
        exportTimeoutMillis: c.export_timeout_ms,
      }),
    ],
  });
  return { tracer: provider.getTracer('llm-gateway', ENGINE_API_VERSION), shutdown: () => provider.shutdown() };
}
