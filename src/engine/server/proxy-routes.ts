/**
 * Plain reverse-proxy routes (`routes:`) for apps that are not LLMs: each proxies a path
 * prefix to its upstream through http-proxy-middleware with a keep-alive agent (without
 * one every request would open a new socket), optional path rewrite and header changes,
 * WebSocket upgrades, and runs the route's own pipeline (auth, rate limit, metrics…).
 *
 * The headers the app gets are decided before the request is handed over: the incoming
 * request's header object is replaced by the outgoing one, which http-proxy copies. They
 * are never changed on the outgoing request in a callback: http-proxy fires its
 * `proxyReq` event when the agent gives the request a socket, and a request queued behind
 * a full agent (more requests in flight than sockets) has flushed its headers by then —
 * setting one there throws ERR_HTTP_HEADERS_SENT outside any handler and ends the process.
 *
 * The gateway's own credentials (`Authorization`, `x-api-key`: what the auth plugin reads)
 * are not the app's: they are dropped unless the route says `forward_auth: true`. The
 * `X-Forwarded-*` headers are the gateway's (see trusted-proxies.ts), never a client's.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { RouteConfig } from '../config/types.ts';
import type { CompiledPipeline } from '../compile.ts';
import { gatewayError, toGatewayError, type GatewayError } from '../errors.ts';
import { compileSafeRegex } from '../safe-regex.ts';
import type { TrustedProxies } from './trusted-proxies.ts';

/** The headers the gateway's auth reads a key from (engine/admin/auth.ts presentedKey). */
const GATEWAY_CREDENTIALS = ['authorization', 'x-api-key'] as const;

export interface ProxyRoute {
  readonly path: string;
  readonly pipeline: CompiledPipeline;
  readonly ws: boolean;
  /** Does this route serve `url` (path-segment prefix match)? */
  matches(url: string): boolean;
  /**
   * Proxy one request to the app; `trace` is the request's W3C trace context (a tracing
   * plugin's span) for the app. Resolves once the app's answer has gone to the client (or
   * the client left); rejects with a GatewayError when the app could not be reached or
   * did not answer in time (the answer may have started: check `res.headersSent`).
   */
  forward(req: http.IncomingMessage, res: http.ServerResponse, trace: TraceContext): Promise<void>;
  /**
   * Hand an upgrade (WebSocket) over to the app. Resolves with the app's answer (101, or
   * the status of a refusal it sent through) once it came; rejects with a GatewayError
   * when the app could not be reached or did not answer in time (the client has been
   * sent that status line then), or the client left first.
   */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, trace: TraceContext): Promise<number>;
  close(): void;
}

export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
}

export function buildProxyRoutes(routes: readonly RouteConfig[], pipelines: readonly CompiledPipeline[], trust: TrustedProxies): ProxyRoute[] {
  // Longest prefix first, so /apps/crm/admin wins over /apps/crm.
  return routes.map((r, i) => buildRoute(r, pipelines[i]!, trust)).sort((a, b) => b.path.length - a.path.length);
}

/**
 * `path_rewrite` as http-proxy-middleware applies an object of rules — the first rule whose
 * regex matches rewrites the first match, and no other rule runs — but matched in linear
 * time: the path is whatever a client sends, before any plugin has run.
 */
function pathRewriter(rules: Readonly<Record<string, string>> | undefined): ((path: string) => string) | undefined {
  if (!rules) return undefined;
  const compiled = Object.entries(rules).map(([pattern, to]) => ({ re: compileSafeRegex(pattern), to }));
  if (!compiled.length) return undefined;
  return function rewritePath(path) {
    for (const rule of compiled) {
      const rewritten = rule.re.replaceFirst(path, rule.to);
      if (rewritten !== null) return rewritten;
    }
    return path;
  };
}

/**
 * The headers the app gets: the client's, less the gateway's credentials (unless
 * forwarded on purpose), less `remove`, with the gateway's `X-Forwarded-*`, plus `set`,
 * plus the request's trace context when a plugin changed it. A copy: the client's own
 * object is left as it is (the pipeline's hooks keep reading it).
 */
function outgoingHeaders(
  req: http.IncomingMessage,
  remove: readonly string[],
  set: ReadonlyArray<[string, string]>,
  trust: TrustedProxies,
  trace: TraceContext,
): IncomingHttpHeaders {
  const incoming = req.headers;
  const out: IncomingHttpHeaders = { ...incoming };
  for (const h of remove) delete out[h];
  trust.applyForwarded(req, out);
  for (const [k, v] of set) out[k] = v;
  if (trace.traceparent !== undefined && trace.traceparent !== incoming.traceparent) {
    out.traceparent = trace.traceparent;
    if (trace.tracestate) out.tracestate = trace.tracestate;
    else delete out.tracestate;
  }
  return out;
}

/** A status line and nothing else, then the socket closes: all an upgrade refusal can say. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

interface Pending {
  resolve(): void;
  reject(e: GatewayError): void;
}

function buildRoute(r: RouteConfig, pipeline: CompiledPipeline, trust: TrustedProxies): ProxyRoute {
  const prefix = r.path.replace(/\/+$/, '') || '/';
  const secure = r.proxy.target.startsWith('https:');
  const agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 256 }) : new http.Agent({ keepAlive: true, maxSockets: 256 });
  const timeoutMs = r.proxy.timeout_ms ?? 60_000;
  // http-proxy reports its own timeout as a plain socket hang-up; the start time tells them apart.
  const startedAt = new WeakMap<object, number>();
  const pending = new WeakMap<object, Pending>();
  /** Upgrades waiting for the app's answer: settled once, by the first of answer, error, timeout, close. */
  const upgrades = new WeakMap<object, (outcome: number | GatewayError) => void>();
  const set = Object.entries(r.proxy.headers?.set ?? {}).map(([k, v]) => [k.toLowerCase(), v] as [string, string]);
  const remove = [...(r.proxy.forward_auth === true ? [] : GATEWAY_CREDENTIALS), ...(r.proxy.headers?.remove ?? []).map((h) => h.toLowerCase())];
  const proxy = createProxyMiddleware({
    target: r.proxy.target,
    changeOrigin: true,
    // Upgrades are handed over by the gateway (after the route's pipeline) through
    // `upgrade`; with ws: true the middleware would subscribe to the server's upgrade
    // event itself on its first request and proxy every upgrade past the pipeline.
    ws: false,
    agent,
    proxyTimeout: timeoutMs,
    pathRewrite: pathRewriter(r.proxy.path_rewrite),
    // Not http-proxy's xfwd: it appends to whatever X-Forwarded-* a client sent.
    xfwd: false,
    on: {
      // Only notes the time the app got the request (nothing here can throw).
      proxyReq(_proxyReq, req) {
        startedAt.set(req, performance.now());
      },
      // Only listens for the app's answer to an upgrade (adds listeners, changes nothing).
      proxyReqWs(proxyReq, req) {
        const settle = upgrades.get(req);
        if (!settle) return;
        proxyReq.once('upgrade', () => settle(101));
        proxyReq.once('response', (answer: http.IncomingMessage) => settle(answer.statusCode ?? 502));
      },
      error(err, req, resOrSocket) {
        const code = (err as NodeJS.ErrnoException).code;
        const started = startedAt.get(req);
        const timedOut = code === 'ECONNRESET' && started !== undefined && performance.now() - started >= timeoutMs - 5;
        const e = timedOut
          ? gatewayError('GW_ERR_UPSTREAM_TIMEOUT', { message: 'The upstream app did not answer in time.' })
          : gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { message: 'The upstream app is unavailable.' });
        const p = pending.get(req);
        const u = upgrades.get(req);
        if (p) {
          pending.delete(req);
          p.reject(e);
        } else if (u) {
          // Now: http-proxy ends the socket as soon as this event returns.
          refuseUpgrade(resOrSocket as Duplex, e.status, e.publicCode);
          u(e);
        } else if (resOrSocket instanceof http.ServerResponse) {
          if (!resOrSocket.writableFinished) resOrSocket.destroy();
        } else (resOrSocket as Duplex).destroy();
      },
    },
  });
  return {
    path: prefix,
    pipeline,
    ws: r.proxy.ws === true,
    matches(url) {
      if (prefix === '/') return true;
      if (!url.startsWith(prefix)) return false;
      const next = url.charCodeAt(prefix.length);
      return Number.isNaN(next) || next === 47 /* / */ || next === 63; /* ? */
    },
    forward(req, res, trace) {
      req.headers = outgoingHeaders(req, remove, set, trust, trace);
      return new Promise<void>((resolve, reject) => {
        pending.set(req, { resolve, reject });
        res.once('close', () => {
          if (pending.get(req)?.resolve === resolve) pending.delete(req);
          resolve();
        });
        // The middleware reports its own failures (a path rewrite that threw) through next.
        void proxy(req, res, (err?: unknown) => {
          pending.delete(req);
          reject(err === undefined ? gatewayError('GW_ERR_NOT_FOUND') : toGatewayError(err));
        });
      });
    },
    upgrade(req, socket, head, trace) {
      req.headers = outgoingHeaders(req, remove, set, trust, trace);
      // The client left while the pipeline ran: its 'close' has been and gone; no app is dialled.
      if (socket.destroyed) return Promise.reject(gatewayError('GW_ERR_CLIENT_CLOSED'));
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          const e = gatewayError('GW_ERR_UPSTREAM_TIMEOUT', { message: 'The upstream app did not answer the upgrade in time.' });
          refuseUpgrade(socket, e.status, e.publicCode);
          socket.destroy();
          settle(e);
        }, timeoutMs);
        // Before an answer the socket closes when the client left, or when http-proxy refused
        // the upgrade (not a WebSocket one) without a word.
        const onClose = () => settle(gatewayError('GW_ERR_CLIENT_CLOSED'));
        function settle(outcome: number | GatewayError): void {
          if (upgrades.get(req) !== settle) return;
          upgrades.delete(req);
          clearTimeout(timer);
          socket.off('close', onClose);
          if (typeof outcome === 'number') resolve(outcome);
          else reject(outcome);
        }
        upgrades.set(req, settle);
        socket.once('close', onClose);
        proxy.upgrade(req, socket as import('node:net').Socket, head);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
