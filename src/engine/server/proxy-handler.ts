/**
 * Runs a proxy route's pipeline through the one executor, with the route's app as the
 * terminal step: onHeaders and onRequest before proxying (auth, rate limits can refuse), the body
 * streamed through untouched, onResponse once the app's answer has finished (it observes
 * status and timing; it cannot rewrite a body already sent), onError when a phase or the
 * app failed (a plugin may answer instead while nothing was sent), onDone after it all.
 * WebSocket upgrades run the same phases around the hand-over of the socket.
 * A path with a dot-segment is refused (400) before any phase: no plugin sees it and no
 * rewrite runs on it (dot-segments.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import type { Generation } from '../generation.ts';
import { refuseUpgrade as refuse, type ProxyRoute } from './proxy-routes.ts';
import type { PluginFailureHook } from '../executor.ts';
import type { UpstreamResponse } from '../types.ts';
import { RequestContext } from '../context.ts';
import { runDone, runProxyPipeline } from '../executor.ts';
import { gatewayError, toGatewayError, type GatewayError } from '../errors.ts';
import { pathProblem } from './dot-segments.ts';
import { closeIfBodyUnread, requestIdOf } from './llm-handler.ts';
import { writeError, writeJson } from './respond.ts';

interface Deps {
  logger: Logger;
  onPluginFailure: PluginFailureHook;
  inflight?: Gauge<'endpoint'>;
}

function contextFor(req: IncomingMessage, gen: Generation, route: ProxyRoute, deps: Deps, signal: AbortSignal): RequestContext {
  return new RequestContext({
    id: requestIdOf(req),
    endpoint: 'proxy',
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    clientIp: gen.trust.clientIp(req),
    generation: gen.id,
    log: deps.logger,
    signal,
    pipeline: route.pipeline,
    onPluginFailure: deps.onPluginFailure,
  });
}

/** Holds the generation from the first phase to the last onDone hook. */
function finish(gen: Generation, route: ProxyRoute, ctx: RequestContext, deps: Deps): void {
  setImmediate(() => {
    try {
      runDone(route.pipeline, ctx, deps.onPluginFailure);
    } finally {
      gen.release();
      deps.inflight?.dec({ endpoint: 'proxy' });
    }
  });
}

export async function handleProxyRoute(req: IncomingMessage, res: ServerResponse, gen: Generation, route: ProxyRoute, deps: Deps): Promise<void> {
  if (gen.cors.apply(req, res)) return;
  const problem = pathProblem(req.url ?? '/');
  if (problem) return writeError(res, gatewayError('GW_ERR_INVALID_REQUEST', { message: problem }), {});
  gen.acquire();
  deps.inflight?.inc({ endpoint: 'proxy' });
  const ac = new AbortController();
  const ctx = contextFor(req, gen, route, deps, ac.signal);
  res.setHeader('x-request-id', ctx.id);
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  const forward = async (c: RequestContext): Promise<undefined> => {
    for (const k in c.responseHeaders) res.setHeader(k, c.responseHeaders[k]!);
    try {
      // A tracing plugin in the route's pipeline made this request a span: the app is its child.
      await route.forward(req, res, c);
    } catch (err) {
      // A client that left mid-upload or mid-answer cut the app's exchange itself: its abort, not the app's failure.
      throw ac.signal.aborted ? gatewayError('GW_ERR_CLIENT_CLOSED', { cause: err }) : err;
    } finally {
      c.status = ac.signal.aborted ? 499 : res.statusCode;
    }
    return undefined;
  };
  try {
    const answer = await runProxyPipeline(route.pipeline, ctx, forward, deps.onPluginFailure);
    if (answer) writeAnswer(req, res, ctx, answer);
  } catch (err) {
    const e = toGatewayError(err);
    ctx.error = e;
    if (!res.headersSent) {
      ctx.status = e.status;
      const headers = { ...ctx.responseHeaders };
      closeIfBodyUnread(req, headers);
      writeError(res, e, headers);
    } else if (!res.writableFinished) res.destroy();
  } finally {
    finish(gen, route, ctx, deps);
  }
}

/** A plugin's answer instead of the app's (a short-circuit, or onError's fallback). */
function writeAnswer(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, r: UpstreamResponse): void {
  if (res.headersSent) {
    if (!res.writableFinished) res.destroy();
    return;
  }
  ctx.status = r.status;
  const headers = { ...ctx.responseHeaders };
  closeIfBodyUnread(req, headers);
  writeJson(res, r.status, r.kind === 'json' ? r.body : {}, headers);
}

/**
 * WebSocket upgrade on a `ws: true` route: the same phases, with the hand-over of the
 * socket to the app as the terminal step, done when the app answered (101, or a refusal
 * of its own, passed through); the session that follows is the app's and the socket's,
 * not the pipeline's. An app that is down or silent is the client's 503/504 status line,
 * and the pipeline's error like any other.
 */
export async function handleProxyUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, gen: Generation, route: ProxyRoute, deps: Deps): Promise<void> {
  // The server let go of the socket's errors when it emitted 'upgrade': a client that
  // resets it while the pipeline runs (or the app is dialled) would emit an 'error' with
  // no listener, which ends the process. The socket is closed either way; nothing to do.
  socket.on('error', () => socket.destroy());
  if (pathProblem(req.url ?? '/')) return refuse(socket, 400, 'Bad Request');
  gen.acquire();
  deps.inflight?.inc({ endpoint: 'proxy' });
  const ac = new AbortController();
  const ctx = contextFor(req, gen, route, deps, ac.signal);
  // From the hand-over on the socket is http-proxy's: the gateway writes nothing more on it.
  let handedOver = false;
  const handOver = async (c: RequestContext): Promise<undefined> => {
    handedOver = true;
    c.status = await route.upgrade(req, socket, head, c);
    return undefined;
  };
  try {
    const answer = await runProxyPipeline(route.pipeline, ctx, handOver, deps.onPluginFailure);
    if (answer && !handedOver) {
      ctx.status = answer.status;
      refuse(socket, answer.status, 'Refused');
    }
  } catch (err) {
    const e: GatewayError = toGatewayError(err);
    ctx.error = e;
    // After a 101 a later phase's failure is only logged: the session is the app's.
    if (ctx.status !== 101) ctx.status = e.status;
    if (!handedOver) refuse(socket, e.status, e.publicCode);
  } finally {
    finish(gen, route, ctx, deps);
  }
}
