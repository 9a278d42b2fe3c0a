/**
 * Everything that is not the LLM hot path runs on express 5: health, readiness, metrics,
 * the admin API, plain reverse-proxy routes and JSON 404s.
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Runtime } from '../runtime.ts';
import type { Stores } from '../types.ts';
import type { MetricsRegistry } from '../metrics.ts';
import { createAdminRouter } from '../admin/index.ts';
import { dbOf } from '../stores/db/index.ts';
import { gatewayError } from '../errors.ts';
import { writeError } from './respond.ts';
import { speaksAnthropic } from './codecs/anthropic.ts';
import { handleProxyRoute } from './proxy-handler.ts';
import type { PluginFailureHook } from '../executor.ts';

export interface AppDeps {
  runtime: Runtime;
  stores: Stores;
  logger: Logger;
  metrics: MetricsRegistry;
  isDraining(): boolean;
  onPluginFailure: PluginFailureHook;
  inflight: import('prom-client').Gauge<'endpoint'>;
  /** The address the server is bound to (the admin API's loopback rule). */
  boundAddress(): string | undefined;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // A degraded database does not make the replica unready: keys verified before the
  // outage keep working from the auth cache and usage/audit rows wait in memory, so taking
  // every replica out of rotation would only turn a partial outage into a full one.
  app.get('/readyz', async (_req, res) => {
    const configLoaded = deps.runtime.current !== undefined;
    const [stateOk, db] = await Promise.all([deps.stores.state.ping(), dbOf(deps.stores)?.health()]);
    const ready = configLoaded && stateOk && !deps.isDraining();
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: {
        config: configLoaded,
        state_store: stateOk,
        draining: deps.isDraining(),
        ...(db && { db: db.status, ...(db.reason && { db_reason: db.reason }), db_buffered: db.buffered }),
      },
    });
  });

  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await deps.metrics.render();
    res.setHeader('content-type', contentType);
    res.end(body);
  });

  app.use(
    '/admin',
    createAdminRouter({ runtime: deps.runtime, stores: deps.stores, logger: deps.logger, metrics: deps.metrics, boundAddress: deps.boundAddress }),
  );

  app.use(function proxyRoutes(req, res, next) {
    const gen = deps.runtime.current;
    const route = gen?.routes.find((r) => r.matches(req.originalUrl));
    if (!gen || !route) return next();
    handleProxyRoute(req, res, gen, route, deps).catch(next);
  });

  app.use(function notFound(req, res) {
    const e = gatewayError('GW_ERR_NOT_FOUND', { message: `No route for ${req.method} ${req.path}.` });
    // The server set x-request-id on the request; Anthropic clients get their own error shape.
    writeError(res, e, {}, speaksAnthropic(req.headers, req.path) ? e.toAnthropic(String(req.headers['x-request-id'])) : e.toOpenAI());
  });

  // express 5 routes async errors here; admin body-parser errors (bad JSON, too large) included.
  app.use(function errorHandler(err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) {
    const status = (err as { status?: number }).status;
    const e =
      status === 400
        ? gatewayError('GW_ERR_BAD_JSON')
        : status === 413
          ? gatewayError('GW_ERR_BODY_TOO_LARGE')
          : status === 415
            ? gatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE')
            : gatewayError('GW_ERR_INTERNAL');
    if (e.code === 'GW_ERR_INTERNAL') deps.logger.error({ err }, 'unhandled error');
    if (!res.headersSent) writeError(res, e, {});
    else res.destroy();
  });
  return app;
}
