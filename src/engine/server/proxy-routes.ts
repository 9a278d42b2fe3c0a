/**
 * Plain reverse-proxy routes (`routes:`) for apps that are not LLMs: each proxies a path
 * prefix to its upstream through http-proxy-middleware with a keep-alive agent (without
 * one every request would open a new socket), optional path rewrite and header changes,
 * WebSocket upgrades, and runs the route's own pipeline (auth, rate limit, metrics…).
 */
import http from 'node:http';
import https from 'node:https';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { RouteConfig } from '../config/types.ts';
import type { CompiledPipeline } from '../compile.ts';
import { gatewayError } from '../errors.ts';
import { writeError } from './respond.ts';
import { compileSafeRegex } from '../safe-regex.ts';

export interface ProxyRoute {
  readonly path: string;
  readonly pipeline: CompiledPipeline;
  readonly proxy: RequestHandler;
  readonly ws: boolean;
  /** Does this route serve `url` (path-segment prefix match)? */
  matches(url: string): boolean;
  close(): void;
}

export function buildProxyRoutes(routes: readonly RouteConfig[], pipelines: readonly CompiledPipeline[]): ProxyRoute[] {
  // Longest prefix first, so /apps/crm/admin wins over /apps/crm.
  return routes.map((r, i) => buildRoute(r, pipelines[i]!)).sort((a, b) => b.path.length - a.path.length);
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

function buildRoute(r: RouteConfig, pipeline: CompiledPipeline): ProxyRoute {
  const prefix = r.path.replace(/\/+$/, '') || '/';
  const secure = r.proxy.target.startsWith('https:');
  const agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 256 }) : new http.Agent({ keepAlive: true, maxSockets: 256 });
  const timeoutMs = r.proxy.timeout_ms ?? 60_000;
  // http-proxy reports its own timeout as a plain socket hang-up; the start time tells them apart.
  const startedAt = new WeakMap<object, number>();
  const set = Object.entries(r.proxy.headers?.set ?? {});
  const remove = r.proxy.headers?.remove ?? [];
  const changeHeaders = (proxyReq: http.ClientRequest) => {
    for (const h of remove) proxyReq.removeHeader(h);
    for (const [k, v] of set) proxyReq.setHeader(k, v);
  };
  const proxy = createProxyMiddleware({
    target: r.proxy.target,
    changeOrigin: true,
    ws: r.proxy.ws === true,
    agent,
    proxyTimeout: timeoutMs,
    pathRewrite: pathRewriter(r.proxy.path_rewrite),
    xfwd: true,
    on: {
      proxyReq(proxyReq, req) {
        startedAt.set(req, performance.now());
        changeHeaders(proxyReq);
      },
      proxyReqWs: changeHeaders,
      error(err, req, resOrSocket) {
        const code = (err as NodeJS.ErrnoException).code;
        const started = startedAt.get(req);
        const timedOut = code === 'ECONNRESET' && started !== undefined && performance.now() - started >= timeoutMs - 5;
        const e = timedOut
          ? gatewayError('GW_ERR_UPSTREAM_TIMEOUT', { message: 'The upstream app did not answer in time.' })
          : gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { message: 'The upstream app is unavailable.' });
        if (resOrSocket instanceof http.ServerResponse) {
          if (!resOrSocket.headersSent) writeError(resOrSocket, e, {});
          else resOrSocket.destroy();
        } else {
          (resOrSocket as import('node:net').Socket).destroy();
        }
      },
    },
  });
  return {
    path: prefix,
    pipeline,
    proxy,
    ws: r.proxy.ws === true,
    matches(url) {
      if (prefix === '/') return true;
      if (!url.startsWith(prefix)) return false;
      const next = url.charCodeAt(prefix.length);
      return Number.isNaN(next) || next === 47 /* / */ || next === 63; /* ? */
    },
    close() {
      agent.destroy();
    },
  };
}
