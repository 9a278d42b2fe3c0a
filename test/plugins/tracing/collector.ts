/**
 * A local OTLP/HTTP trace collector for tests: accepts `POST /v1/traces` in OTLP's JSON
 * encoding (what @opentelemetry/exporter-trace-otlp-http sends) and flattens the spans.
 * `failing = true` answers 400, a rejection the exporter does not retry (a 503 or a refused
 * connection is retried with back-off for several seconds before it counts as failed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type OtlpValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
}

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  status: number;
  service: unknown;
}

export interface Collector {
  url: string;
  spans: CollectedSpan[];
  /** Raw request bodies and headers, for leak checks. */
  raw: { headers: http.IncomingHttpHeaders; body: string }[];
  failing: boolean;
  waitFor(n: number, timeoutMs?: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));

export async function startCollector(): Promise<Collector> {
  const c: Collector = {
    url: '',
    spans: [],
    raw: [],
    failing: false,
    async waitFor(n, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (c.spans.length < n) {
        if (Date.now() > end) throw new Error(`collector got ${c.spans.length} spans, expected ${n}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return c.spans;
    },
    close: async () => undefined,
  };
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    c.raw.push({ headers: req.headers, body });
    if (c.failing) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const doc = JSON.parse(body) as {
      resourceSpans: { resource?: { attributes?: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    for (const rs of doc.resourceSpans) {
      const service = rs.resource?.attributes?.find((a) => a.key === 'service.name');
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          c.spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: s.kind,
            durationMs: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6,
            attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            status: s.status?.code ?? 0,
            service: service ? valueOf(service.value) : undefined,
          });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  c.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return c;
}
