/**
 * The hot path: OpenAI/Anthropic-compatible endpoints served on bare node:http (no
 * express body-parser, no res.json — TOOLCHAIN.md measured them at ~2× the CPU). The
 * body is read once (within `server.timeouts.body_ms`) and parsed once, after the
 * pipeline's onHeaders phase: a request refused on its headers alone never has its body
 * read, and its connection is closed. The upstream's bytes are forwarded as they are when
 * no plugin changed the response. Each request pins its config generation until its
 * last byte and its onDone hooks have run; usage and cost are settled (usage.ts) in
 * between.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import type { Runtime } from '../runtime.ts';
import type { Codec } from './codec.ts';
import type { Endpoint } from '../context.ts';
import type { PluginFailureHook } from '../executor.ts';
import { RequestContext } from '../context.ts';
import { runPipeline, runDone, dropResponse } from '../executor.ts';
import { gatewayError, toGatewayError } from '../errors.ts';
import { settleUsage } from '../usage.ts';
import { readBody, isJsonContentType, parseJson } from './body.ts';
import { writeError, writeJson, writeRaw } from './respond.ts';
import { pumpStream } from './stream.ts';
import { speaksAnthropic } from './codecs/anthropic.ts';

export interface EndpointSpec {
  endpoint: Endpoint;
  method: 'GET' | 'POST' | 'DELETE';
  /** The Allow header of a 405 when the path takes more than `method`. */
  allow?: string;
  codec: Codec;
}

export interface LlmHandlerDeps {
  runtime: Runtime;
  logger: Logger;
  onPluginFailure: PluginFailureHook;
  /** True once SIGTERM arrived: answer, but ask clients to reconnect elsewhere. */
  isDraining(): boolean;
  inflight: Gauge<'endpoint'>;
  /** `server.timeouts.body_ms` of the running config (a reload may change it). */
  bodyTimeoutMs(): number;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * An answer given before the request's body was all read (refused on its headers, a 413,
 * a body timeout) closes the connection: otherwise node would read and discard the rest of
 * a body of any size, at the client's pace, before the next request on that socket.
 */
export function closeIfBodyUnread(req: IncomingMessage, headers: Record<string, string>): void {
  if (!req.complete) headers.connection = 'close';
}

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The headers that name the request in every answer: x-request-id, and Anthropic's request-id for Anthropic clients. */
export function requestIdHeaders(req: IncomingMessage, id: string): Record<string, string> {
  return speaksAnthropic(req.headers, req.url) ? { 'x-request-id': id, 'request-id': id } : { 'x-request-id': id };
}

export function createLlmHandler(deps: LlmHandlerDeps) {
  const { runtime, logger, onPluginFailure, inflight } = deps;
  // The gauge's child per endpoint, bound once: inc({ endpoint }) hashes the labels each call.
  const inflightOf = new Map<Endpoint, ReturnType<typeof inflight.labels>>();
  const gaugeOf = (e: Endpoint) => {
    let g = inflightOf.get(e);
    if (!g) inflightOf.set(e, (g = inflight.labels({ endpoint: e })));
    return g;
  };

  return async function handleLlmRequest(req: IncomingMessage, res: ServerResponse, spec: EndpointSpec): Promise<void> {
    const id = requestIdOf(req);
    const headers = requestIdHeaders(req, id);
    if (deps.isDraining()) headers.connection = 'close';
    const gen = runtime.current;
    if (!gen) return writeError(res, gatewayError('GW_ERR_SHUTTING_DOWN'), headers, spec.codec.errorBody(gatewayError('GW_ERR_SHUTTING_DOWN'), id));
    // A preflight is answered by cors.apply itself, with the headers set so far.
    if (req.method === 'OPTIONS') for (const k in headers) res.setHeader(k, headers[k]!);
    if (gen.cors.apply(req, res)) return;
    gen.acquire();
    const gauge = gaugeOf(spec.endpoint);
    gauge.inc();
    const ac = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    const ctx = new RequestContext({
      id,
      endpoint: spec.endpoint,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      clientIp: gen.trust.clientIp(req),
      generation: gen.id,
      log: logger,
      signal: ac.signal,
      pipeline: gen.llm,
      onPluginFailure,
    });
    let pumped = false;
    // Read between the onHeaders and onRequest phases (the executor calls it).
    const readRequestBody =
      spec.method === 'POST'
        ? async (c: RequestContext): Promise<void> => {
            if (!isJsonContentType(req.headers['content-type'])) throw gatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE');
            const raw = await readBody(req, gen.bodyLimit, deps.bodyTimeoutMs());
            c.body = await spec.codec.decodeRequest(parseJson(raw), c, { state: runtime.deps.stores.state, config: gen.config });
            // Only OpenAI-dialect bytes can be forwarded to an OpenAI-compatible upstream as is.
            if (spec.codec.name === 'openai') c.rawBody = raw;
            const model = (c.body as { model?: unknown }).model;
            if (typeof model === 'string') c.model = model;
          }
        : undefined;
    try {
      const response = await runPipeline(gen.llm, ctx, onPluginFailure, readRequestBody);
      for (const k in ctx.responseHeaders) headers[k] = ctx.responseHeaders[k]!;
      closeIfBodyUnread(req, headers);
      if (response.kind === 'stream') {
        pumped = true;
        await pumpStream(ctx, response, gen.llm, spec.codec, res, headers, onPluginFailure);
      } else {
        ctx.status = response.status;
        if (spec.codec.encodeResponse && spec.endpoint !== 'models') {
          writeJson(res, response.status, await spec.codec.encodeResponse(response.body as never, ctx), headers);
        } else if (response.raw) {
          writeRaw(res, response.status, response.raw, headers);
        } else {
          writeJson(res, response.status, response.body, headers);
        }
        ctx.firstByteAt = performance.now();
      }
    } catch (err) {
      // A stream that failed before the writer took it (a plugin refused it in onResponse).
      if (!pumped && ctx.response) dropResponse(ctx.response);
      const e = toGatewayError(err);
      if (e.code === 'GW_ERR_INTERNAL' && !ctx.error) ctx.log.error({ err }, 'request failed');
      // A client that left is no failure of ours: counted as 499, logged for debugging only.
      else if (e.code === 'GW_ERR_CLIENT_CLOSED') ctx.log.debug({ code: e.publicCode }, 'client closed the request');
      ctx.error = e;
      ctx.status = e.status;
      for (const k in ctx.responseHeaders) headers[k] ??= ctx.responseHeaders[k]!;
      closeIfBodyUnread(req, headers);
      if (!res.headersSent) writeError(res, e, headers, spec.codec.errorBody(e, id));
      else res.destroy();
    } finally {
      settleUsage(ctx);
      // onDone runs after the last byte went out, off the request's critical path.
      setImmediate(() => {
        try {
          runDone(gen.llm, ctx, onPluginFailure);
        } finally {
          gen.release();
          gauge.dec();
        }
      });
    }
  };
}
