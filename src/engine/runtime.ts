/**
 * Config generations and hot reload. A reload reads → validates → creates every plugin
 * → compiles, and only then swaps one reference; any failure keeps the running
 * generation and is reported (log, metric, /admin/config/status). Each request pins the
 * generation it started on (`acquire`/`release`); a replaced generation closes its
 * plugin instances once its last request has finished.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { LoadedConfig } from './config/types.ts';
import type { PluginEnv, Stores } from './types.ts';
import type { MetricsRegistry } from './metrics.ts';
import type { WorkerPool } from './workers/pool.ts';
import { loadConfig, ConfigError } from './config/index.ts';
import { buildCatalog, closeUnusedClients } from './catalog.ts';
import { buildGeneration, type Generation } from './generation.ts';
import { engineMetrics } from './metrics.ts';
import { providerIssues } from './provider-checks.ts';

export type { Generation } from './generation.ts';

export interface RuntimeDeps {
  configPath: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  stores: Stores;
  metrics: MetricsRegistry;
  pool: WorkerPool;
  /** Called after each reload attempt (the audit log hooks in here). */
  onReload?: (outcome: ReloadOutcome) => void;
}

export interface ReloadOutcome {
  ok: boolean;
  generation: number;
  hash?: string;
  error?: string;
}

export interface ConfigStatus {
  status: 'ok' | 'failed';
  error: string | null;
  hash: string | null;
  loaded_at: string | null;
  generation: number;
  file: string;
  last_attempt_at: string | null;
}

export class Runtime {
  current: Generation | undefined;
  private nextId = 1;
  private lastError: string | null = null;
  private lastAttemptAt: string | null = null;
  private reloading: Promise<ReloadOutcome> | null = null;
  private again = false;
  private readonly m;

  private readonly configDir: string;

  constructor(readonly deps: RuntimeDeps) {
    this.m = engineMetrics(deps.metrics);
    this.configDir = path.dirname(path.resolve(deps.configPath));
  }

  /** Load and serve; rejects (with the located config error) when the first load fails. */
  async start(): Promise<void> {
    const r = await this.reloadNow();
    if (!r.ok) throw new Error(r.error);
  }

  /**
   * Reload, coalescing bursts: a reload asked for while one runs triggers exactly one more
   * after it, which reads the newest file.
   */
  reload(): Promise<ReloadOutcome> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      let r: ReloadOutcome;
      do {
        this.again = false;
        r = await this.reloadNow();
      } while (this.again);
      this.reloading = null;
      return r;
    })();
    return this.reloading;
  }

  private async reloadNow(): Promise<ReloadOutcome> {
    const { logger } = this.deps;
    this.lastAttemptAt = new Date().toISOString();
    let loaded: LoadedConfig;
    try {
      loaded = await loadConfig(this.deps.configPath, { env: this.deps.env, extraChecks: (c) => providerIssues(c, this.configDir) });
    } catch (err) {
      return this.failed(err instanceof ConfigError ? err.message : `config load failed: ${(err as Error).message}`, err);
    }
    if (this.current && this.current.hash === loaded.hash) {
      this.lastError = null;
      return { ok: true, generation: this.current.id, hash: loaded.hash };
    }
    const id = this.nextId;
    let gen: Generation;
    try {
      const built = await buildCatalog(loaded.config, loaded.dir, logger, this.current?.clients, this.deps.metrics);
      gen = await buildGeneration(id, loaded, built, (pluginId) => this.pluginEnv(pluginId, loaded, built.catalog, id));
    } catch (err) {
      return this.failed(`config generation ${id} could not start: ${(err as Error).message}`, err);
    }
    this.nextId++;
    const old = this.current;
    this.current = gen;
    this.lastError = null;
    this.m.reloads.inc({ outcome: 'success' });
    this.m.generation.set(id);
    logger.info({ generation: id, hash: loaded.hash }, old ? 'config reloaded' : 'config loaded');
    if (old) old.retire(() => closeUnusedClients(old.clients, gen.clients), logger);
    const outcome = { ok: true, generation: id, hash: loaded.hash };
    this.deps.onReload?.(outcome);
    return outcome;
  }

  private failed(message: string, err: unknown): ReloadOutcome {
    this.lastError = message;
    this.m.reloads.inc({ outcome: 'failure' });
    this.deps.logger.error(
      { err: err instanceof ConfigError ? undefined : err, error: message },
      this.current ? 'config reload rejected; the running config keeps serving' : 'config load failed',
    );
    const outcome = { ok: false, generation: this.current?.id ?? 0, error: message };
    this.deps.onReload?.(outcome);
    return outcome;
  }

  private pluginEnv(pluginId: string, loaded: LoadedConfig, catalog: PluginEnv['models'], generation: number): PluginEnv {
    const { logger, stores, metrics, pool } = this.deps;
    return {
      pluginId,
      logger: logger.child({ plugin: pluginId }),
      config: loaded.config,
      configDir: loaded.dir,
      generation,
      models: catalog,
      stores,
      metrics,
      pool,
    };
  }

  status(): ConfigStatus {
    const g = this.current;
    return {
      status: this.lastError ? 'failed' : 'ok',
      error: this.lastError,
      hash: g?.hash ?? null,
      loaded_at: g?.loadedAt ?? null,
      generation: g?.id ?? 0,
      file: this.deps.configPath,
      last_attempt_at: this.lastAttemptAt,
    };
  }

  /** Stop: retire the current generation once it drains, or after `graceMs` regardless. */
  async close(graceMs = 0): Promise<void> {
    const g = this.current;
    this.current = undefined;
    if (g)
      await new Promise<void>((resolve) =>
        g.retire(
          async () => {
            await closeUnusedClients(g.clients, undefined);
            resolve();
          },
          this.deps.logger,
          graceMs,
        ),
      );
  }
}
