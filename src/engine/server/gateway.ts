/**
 * Starts a gateway: stores, metrics, worker pool, runtime (first config load), the HTTP
 * server, hot reload (file watch + SIGHUP) and graceful shutdown (`drain` on SIGTERM for
 * rolling updates, `close` to stop now). Tests and the CLI both use `startGateway`.
 *
 * @example
 *   const gw = await startGateway({ configPath: 'gateway.yaml', port: 0 });
 *   await fetch(`${gw.url}/v1/models`);
 *   await gw.close();
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createLogger } from '../logger.ts';
import { MetricsRegistry, engineMetrics } from '../metrics.ts';
import { createWorkerPool, type WorkerPool } from '../workers/pool.ts';
import { createStores, closeStores } from '../stores/index.ts';
import { dbOf, recordConfigReload } from '../stores/db/index.ts';
import { Runtime, type ReloadOutcome } from '../runtime.ts';
import { watchConfig, loadConfig } from '../config/index.ts';
import { createApp } from './app.ts';
import { createLlmHandler } from './llm-handler.ts';
import { createHttpServer } from './http-server.ts';
import { applyTimeouts, capConnectionsPerIp, DEFAULT_TIMEOUTS, timeoutsOf } from './client-limits.ts';
import { handleProxyUpgrade } from './proxy-handler.ts';
import { canonicalUrl } from './canonical-url.ts';
import type { Stores } from '../types.ts';

export interface StartOptions {
  configPath: string;
  env?: Record<string, string | undefined>;
  /** Overrides server.port (0 = ephemeral). */
  port?: number;
  host?: string;
  logger?: Logger;
  /** Watch the file and reload on change (default true). */
  watch?: boolean;
  /** Default metrics of the process (default true; tests with many gateways turn it off). */
  defaultMetrics?: boolean;
  onReload?: (o: ReloadOutcome) => void;
}

export interface RunningGateway {
  /** A URL that reaches this gateway from this host (loopback when bound to every interface). */
  url: string;
  /** The address really bound, as the start-up line names it, e.g. `http://0.0.0.0:8080`. */
  boundUrl: string;
  port: number;
  runtime: Runtime;
  stores: Stores;
  metrics: MetricsRegistry;
  logger: Logger;
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), release everything. */
  close(graceMs?: number): Promise<void>;
  /**
   * What SIGTERM does, for rolling updates: /readyz turns 503 at once while requests are
   * still served for `server.drain_delay` seconds (load balancers and Kubernetes endpoints
   * notice and stop sending), then `close()` with `server.shutdown_grace_s`.
   */
  drain(): Promise<void>;
}

/** URL text for a host and port (IPv6 in brackets). */
const urlOf = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  // Stores are built from the first config and kept for the process's life: changing
  // them needs a restart (a reload that changes `stores:` is applied except for them).
  const first = await loadConfig(opts.configPath, { env });
  const logger = opts.logger ?? createLogger({ level: first.config.logging?.level });
  const metrics = new MetricsRegistry({ defaultMetrics: opts.defaultMetrics });
  const stores = await createStores(first.config.stores, logger, metrics);
  const pool: WorkerPool = createWorkerPool();
  // Set once the server exists; a reload before that has nothing to apply to.
  let server: import('node:http').Server | undefined;
  const onReload = (o: ReloadOutcome) => {
    // Every reload attempt leaves an audit row (generation, hash, outcome; never a secret).
    recordConfigReload(dbOf(stores), { generation: o.generation, hash: o.hash ?? '', outcome: o.ok ? 'ok' : 'failed', error: o.error });
    // Client timeouts follow the config now serving (node reads them as it checks).
    if (o.ok && server && runtime.current) applyTimeouts(server, timeoutsOf(runtime.current.config.server));
    opts.onReload?.(o);
  };
  const runtime = new Runtime({ configPath: opts.configPath, env, logger, stores, metrics, pool, onReload });
  await runtime.start();

  let draining = false;
  // The address really bound (known after listen): the admin API's loopback rule needs it.
  let boundAddress: string | undefined;
  const em = engineMetrics(metrics);
  const onPluginFailure = (plugin: string, phase: string) => em.pluginErrors.inc({ plugin, phase });
  const isDraining = () => draining;
  const app = createApp({ runtime, stores, logger, metrics, isDraining, onPluginFailure, inflight: em.inflight, boundAddress: () => boundAddress });
  // The running generation's server settings (a reload may have changed them), else the first.
  const serverConfig = () => runtime.current?.config.server ?? first.config.server;
  const bodyTimeoutMs = () => serverConfig().timeouts?.body_ms ?? DEFAULT_TIMEOUTS.body_ms;
  const llm = createLlmHandler({ runtime, logger, onPluginFailure, isDraining, inflight: em.inflight, bodyTimeoutMs });
  server = createHttpServer(app, llm, timeoutsOf(serverConfig()));
  capConnectionsPerIp(server, () => serverConfig().max_connections_per_ip, em.connectionsRefused);
  // Upgraded sockets leave the server's bookkeeping: track them so shutdown can end them.
  const upgraded = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket, head) => {
    const gen = runtime.current;
    req.url = canonicalUrl(req.url ?? '/');
    const route = gen?.routes.find((r) => r.ws && r.matches(req.url!));
    if (!gen || !route || draining) return socket.destroy();
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void handleProxyUpgrade(req, socket as import('node:net').Socket, head, gen, route, { logger, onPluginFailure });
  });

  const port = opts.port ?? first.config.server.port;
  const host = opts.host ?? first.config.server.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  boundAddress = bound.address;
  const actual = bound.port;
  // Bound to every interface, the gateway is still reached locally over loopback.
  const localHost = bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address === '::' ? '::1' : bound.address;
  logger.info({ port: actual, host, address: bound.address, generation: runtime.current?.id }, 'gateway listening');

  const watcher =
    opts.watch === false
      ? null
      : watchConfig(opts.configPath, () => {
          void runtime.reload();
        });

  let closing: Promise<void> | null = null;
  const close = (graceMs = (serverConfig().shutdown_grace_s ?? 10) * 1000): Promise<void> =>
    (closing ??= (async () => {
      draining = true;
      await watcher?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while ((runtime.current?.inflight ?? 0) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
      await closed;
      await runtime.close(Math.max(0, deadline - Date.now()));
      await pool.close();
      await closeStores(stores);
      logger.info('gateway stopped');
    })());

  let draining$: Promise<void> | null = null;
  const drain = (): Promise<void> =>
    (draining$ ??= (async () => {
      draining = true;
      const delayS = serverConfig().drain_delay ?? 5;
      logger.info({ drain_delay_s: delayS }, 'draining: /readyz answers 503, requests are still served');
      await new Promise((r) => setTimeout(r, delayS * 1000));
      await close();
    })());

  return { url: urlOf(localHost, actual), boundUrl: urlOf(bound.address, actual), port: actual, runtime, stores, metrics, logger, close, drain };
}
