/**
 * Runs a proxy route's pipeline around http-proxy-middleware. The request phase runs
 * before proxying (auth, rate limits can refuse); the body streams through untouched.
 * onResponse and onDone run once the proxied response has finished: they observe it
 * (status, timing) but cannot rewrite a body that has already been streamed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import type { Generation } from '../generation.ts';
import type { ProxyRoute } from './proxy-routes.ts';
import type { PluginFailureHook } from '../executor.ts';
import type { ShortCircuit } from '../types.ts';
import { RequestContext } from '../context.ts';
import { runDone, pluginFailure } from '../executor.ts';
import { toGatewayError } from '../errors.ts';
import { requestIdOf } from './llm-handler.ts';
import { writeError, writeJson } from './respond.ts';

interface Deps {
  logger: Logger;
  onPluginFailure: PluginFailureHook;
  inflight?: Gauge<'endpoint'>;
}

function contextFor(req: IncomingMessage, gen: Generation, logger: Logger, signal: AbortSignal): RequestContext {
  const id = requestIdOf(req);
  return new RequestContext({
    id,
    endpoint: 'proxy',
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    clientIp: req.socket.remoteAddress ?? '',
    generation: gen.id,
    log: logger,
    signal,
  });
}

/** onRequest phase only; returns a short-circuit response, or null to go on. */
async function requestPhase(ctx: RequestContext, route: ProxyRoute, onFail: PluginFailureHook): Promise<ShortCircuit | null> {
  for (const p of route.pipeline.onRequest) {
    try {
      const r = await p.instance.onRequest!(ctx);
      if (r && r.respond) return r;
    } catch (err) {
      throw pluginFailure(ctx, p, 'onRequest', err, onFail);
    }
  }
  return null;
}

export async function handleProxyRoute(req: IncomingMessage, res: ServerResponse, gen: Generation, route: ProxyRoute, deps: Deps): Promise<void> {
  if (gen.cors.apply(req, res)) return;
  gen.acquire();
  deps.inflight?.inc({ endpoint: 'proxy' });
  const ac = new AbortController();
  const ctx = contextFor(req, gen, deps.logger, ac.signal);
  res.setHeader('x-request-id', ctx.id);
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
    ctx.status ??= res.statusCode;
    setImmediate(() => {
      try {
        for (const p of route.pipeline.onResponse) {
          try {
            void p.instance.onResponse!(ctx);
          } catch (err) {
            pluginFailure(ctx, p, 'onResponse', err, deps.onPluginFailure);
          }
        }
        runDone(route.pipeline, ctx, deps.onPluginFailure);
      } finally {
        gen.release();
        deps.inflight?.dec({ endpoint: 'proxy' });
      }
    });
  });
  try {
    const short = await requestPhase(ctx, route, deps.onPluginFailure);
    for (const k in ctx.responseHeaders) res.setHeader(k, ctx.responseHeaders[k]!);
    if (short) {
      const r = short.respond;
      ctx.status = r.status;
      writeJson(res, r.status, r.kind === 'json' ? r.body : {}, {});
      return;
    }
    // A tracing plugin in the route's pipeline made this request a span: the app is its child.
    if (ctx.traceparent && ctx.traceparent !== req.headers.traceparent) {
      req.headers.traceparent = ctx.traceparent;
      if (ctx.tracestate) req.headers.tracestate = ctx.tracestate;
    }
    await route.proxy(req, res);
  } catch (err) {
    const e = toGatewayError(err);
    ctx.error = e;
    ctx.status = e.status;
    writeError(res, e, {});
  }
}

/** WebSocket upgrade on a `ws: true` route: the request phase runs first (auth…). */
export async function handleProxyUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, gen: Generation, route: ProxyRoute, deps: Deps): Promise<void> {
  const ac = new AbortController();
  const ctx = contextFor(req, gen, deps.logger, ac.signal);
  try {
    const short = await requestPhase(ctx, route, deps.onPluginFailure);
    if (short) {
      socket.end(`HTTP/1.1 ${short.respond.status} Refused\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    route.proxy.upgrade(req, socket, head);
  } catch (err) {
    const e = toGatewayError(err);
    socket.end(`HTTP/1.1 ${e.status} ${e.publicCode}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  }
}
