/**
 * One config generation: everything built from one validated config — the model catalog,
 * the compiled LLM pipeline, each proxy route with its own pipeline, CORS and body-limit
 * settings. Requests hold it with acquire/release; `retire` closes it after the last one.
 */
import type { Logger } from 'pino';
import type { LoadedConfig, GatewayConfig, PipelineEntry } from './config/types.ts';
import type { ModelCatalog, PluginDefinition, PluginEnv } from './types.ts';
import type { BuiltCatalog, CachedClient } from './catalog.ts';
import { createPipeline, closePipeline, type CompiledPipeline, type PluginSpec } from './compile.ts';
import { buildProxyRoutes, type ProxyRoute } from './server/proxy-routes.ts';
import { buildCors, type Cors } from './server/cors.ts';
import { parseSize } from './size.ts';
import { trustedProxies, type TrustedProxies } from './server/trusted-proxies.ts';

export interface Generation {
  readonly id: number;
  readonly config: Readonly<GatewayConfig>;
  readonly hash: string;
  readonly loadedAt: string;
  readonly catalog: ModelCatalog;
  readonly clients: Map<string, CachedClient>;
  readonly llm: CompiledPipeline;
  readonly routes: readonly ProxyRoute[];
  readonly cors: Cors;
  /** `server.trust_proxy`: who the client is, and the X-Forwarded-* proxied apps get. */
  readonly trust: TrustedProxies;
  readonly bodyLimit: number;
  readonly inflight: number;
  acquire(): void;
  release(): void;
  /**
   * Close plugins (and run `extra`) once no request holds this generation, or after
   * `forceAfterMs` at the latest (shutdown must end even if a request never finishes).
   */
  retire(extra: () => Promise<void>, logger: Logger, forceAfterMs?: number): void;
}

/** Entries with the definitions validation resolved for them (nothing is loaded again). */
function specsOf(entries: readonly PipelineEntry[], definitions: readonly PluginDefinition[]): PluginSpec[] {
  return entries.map((e, i) => ({ id: e.id ?? e.use, definition: definitions[i]!, config: (e.config ?? {}) as Readonly<Record<string, unknown>> }));
}

export async function buildGeneration(id: number, loaded: LoadedConfig, built: BuiltCatalog, envFor: (pluginId: string) => PluginEnv): Promise<Generation> {
  const { config, definitions } = loaded;
  const llm = await createPipeline(specsOf(config.pipeline, definitions.pipeline), envFor);
  const routePipelines: CompiledPipeline[] = [];
  try {
    for (const [i, r] of (config.routes ?? []).entries())
      routePipelines.push(await createPipeline(specsOf(r.pipeline ?? [], definitions.routes[i] ?? []), envFor));
  } catch (err) {
    await closePipeline(llm.plugins);
    for (const p of routePipelines) await closePipeline(p.plugins);
    throw err;
  }
  const trust = trustedProxies(config.server.trust_proxy);
  const routes = buildProxyRoutes(config.routes ?? [], routePipelines, trust);
  let inflight = 0;
  let onDrained: (() => void) | null = null;
  return {
    id,
    config,
    hash: loaded.hash,
    loadedAt: new Date().toISOString(),
    catalog: built.catalog,
    clients: built.clients,
    llm,
    routes,
    cors: buildCors(config.server.cors),
    trust,
    bodyLimit: parseSize(config.server.body_limit),
    get inflight() {
      return inflight;
    },
    acquire() {
      inflight++;
    },
    release() {
      if (--inflight === 0 && onDrained) onDrained();
    },
    retire(extra, logger, forceAfterMs) {
      let closed = false;
      const closeNow = async () => {
        if (closed) return;
        closed = true;
        onDrained = null;
        const errors = await closePipeline([...llm.plugins, ...routePipelines.flatMap((p) => p.plugins)]);
        for (const r of routes) r.close();
        await extra();
        if (errors.length) logger.warn({ generation: id, errors: errors.map(String) }, 'plugins failed to close');
        logger.debug({ generation: id }, 'generation closed');
      };
      // Called from release() and a timer: a failure here must be logged, never left unhandled.
      const close = () => void closeNow().catch((err: unknown) => logger.error({ generation: id, err }, 'closing a generation failed'));
      if (inflight === 0) return close();
      onDrained = close;
      if (forceAfterMs !== undefined)
        setTimeout(() => {
          if (!closed) logger.warn({ generation: id, inflight }, 'closing a generation with requests still in flight');
          close();
        }, forceAfterMs).unref();
    },
  };
}
