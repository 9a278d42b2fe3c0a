/**
 * Starts a gateway: stores, metrics, worker pool, runtime (first config load), the HTTP
 * server, hot reload (file watch + SIGHUP) and graceful shutdown. Tests and the CLI both
 * use `startGateway`.
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
import { handleProxyUpgrade } from './proxy-handler.ts';
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
  url: string;
  port: number;
  runtime: Runtime;
  stores: Stores;
  metrics: MetricsRegistry;
  logger: Logger;
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), release everything. */
  close(graceMs?: number): Promise<void>;
}

export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  // Stores are built from the first config and kept for the process's life: changing
  // them needs a restart (a reload that changes `stores:` is applied except for them).
  const first = await loadConfig(opts.configPath, { env });
  const logger = opts.logger ?? createLogger({ level: first.config.logging?.level });
  const metrics = new MetricsRegistry({ defaultMetrics: opts.defaultMetrics });
  const stores = await createStores(first.config.stores, logger, metrics);
  const pool: WorkerPool = createWorkerPool();
  const onReload = (o: ReloadOutcome) => {
    // Every reload attempt leaves an audit row (generation, hash, outcome; never a secret).
    recordConfigReload(dbOf(stores), { generation: o.generation, hash: o.hash ?? '', outcome: o.ok ? 'ok' : 'failed', error: o.error });
    opts.onReload?.(o);
  };
  const runtime = new Runtime({ configPath: opts.configPath, env, logger, stores, metrics, pool, onReload });
  await runtime.start();

  let draining = false;
  const em = engineMetrics(metrics);
  const onPluginFailure = (plugin: string, phase: string) => em.pluginErrors.inc({ plugin, phase });
  const isDraining = () => draining;
  const app = createApp({ runtime, stores, logger, metrics, isDraining, onPluginFailure, inflight: em.inflight });
  const llm = createLlmHandler({ runtime, logger, onPluginFailure, isDraining, inflight: em.inflight });
  const server = createHttpServer(app, llm);
  // Upgraded sockets leave the server's bookkeeping: track them so shutdown can end them.
  const upgraded = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket, head) => {
    const gen = runtime.current;
    const route = gen?.routes.find((r) => r.ws && r.matches(req.url ?? '/'));
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
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  logger.info({ port: actual, host, generation: runtime.current?.id }, 'gateway listening');

  const watcher =
    opts.watch === false
      ? null
      : watchConfig(opts.configPath, () => {
          void runtime.reload();
        });

  let closing: Promise<void> | null = null;
  const close = (graceMs = (first.config.server.shutdown_grace_s ?? 10) * 1000): Promise<void> =>
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

  return { url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actual}`, port: actual, runtime, stores, metrics, logger, close };
}
