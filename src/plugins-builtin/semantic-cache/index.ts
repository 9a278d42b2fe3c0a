/**
 * `use: semantic-cache` — answers a chat completion (OpenAI or /v1/messages) from cache:
 * an exact match of the normalised request first, then the cached answer whose last
 * user message is most similar (embedding cosine ≥ `similarity_threshold`) within the
 * same scope. Streams are served from cache as SSE and stored once they end well
 * (`store_streams`; when off, the plugin leaves streamed answers untouched).
 * Memory LRU, or Redis shared by replicas; a failing store is bypassed (fail open).
 *
 * @example
 *   - use: auth
 *   - use: semantic-cache
 *     config: { similarity_threshold: 0.95, ttl_seconds: 3600, partition_by: key }
 */
import type { PluginDefinition, PluginInstance, ShortCircuit } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import type { ChatCompletion, ChatRequest } from '../../engine/openai-types.ts';
import { stateKey } from '../../engine/context.ts';
import schema from './schema.json' with { type: 'json' };
import { requestKey, type KeyOptions } from './request-key.ts';
import { replayStream, storable, StreamAssembly } from './replay.ts';
import { createSearcher } from './search.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import { cacheMetrics } from './metrics.ts';
import { partitionOf, type PartitionBy } from './partition.ts';
import { checkPipelineOrder } from './order.ts';
import { sharedStore } from './shared-store.ts';
import type { CacheStore } from './store.ts';

export interface SemanticCacheConfig {
  similarity_threshold: number;
  semantic: boolean;
  embedder: string;
  dims: number;
  partition_by: PartitionBy;
  ttl_seconds: number;
  max_entries: number;
  max_entries_per_scope: number;
  max_temperature: number;
  exact_numbers: boolean;
  lookup_timeout_ms: number;
  store_streams: boolean;
}

/** A request the cache may store the answer of. */
interface Pending {
  scope: string;
  key: string;
  text?: string;
  vector?: Float32Array;
  /** The answer's JSON as it came from below (captured in onResponse). */
  json?: string;
  stream?: StreamAssembly;
}

const HEADER = 'x-gateway-cache';

/** `Cache-Control` request directives, after LiteLLM: no-cache = do not serve from cache, no-store = do not store. */
function directives(v: string | undefined): { noCache: boolean; noStore: boolean } {
  if (!v) return { noCache: false, noStore: false };
  const s = v.toLowerCase();
  return { noCache: s.includes('no-cache'), noStore: s.includes('no-store') };
}

/** `p`, or a rejection once `ms` passed (a hanging Redis must not hold the request). */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cache lookup took over ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const semanticCache: PluginDefinition<SemanticCacheConfig> = {
  name: 'semantic-cache',
  version: '1.0.0',
  engine: '^1',
  description: 'Exact and semantic response cache for chat completions; memory or Redis, streams included.',
  configSchema: schema,
  create(config, env) {
    checkPipelineOrder(env.config.pipeline, env.pluginId);
    const PENDING = stateKey<Pending>('semantic-cache.pending');
    const state = env.stores.state;
    const ttlMs = config.ttl_seconds * 1000;
    const sizes = { maxEntries: config.max_entries, perScope: config.max_entries_per_scope, ttlMs, dims: config.dims };
    const store: CacheStore = sharedStore(state, env.pluginId, JSON.stringify(sizes), () =>
      state.kind === 'redis' ? createRedisStore(state, sizes) : createMemoryStore(sizes),
    );
    const searcher = config.semantic ? createSearcher(config.embedder, config.dims, env.pool) : undefined;
    const keyOpts: KeyOptions = { embedding: `${config.embedder}/${config.dims}`, numbers: config.exact_numbers ? /\d+(?:[.,]\d+)*/g : null };
    const metrics = cacheMetrics(env.metrics, env.logger);
    // Redis reads are raced against a deadline; memory answers at once.
    const deadline = state.kind === 'redis' ? config.lookup_timeout_ms : 0;
    const timed = <T>(p: Promise<T>): Promise<T> => (deadline ? withDeadline(p, deadline) : p);

    function bypass(ctx: RequestContext): void {
      ctx.responseHeaders[HEADER] = 'bypass';
      metrics.requests.inc({ result: 'bypass' });
    }

    function serve(ctx: RequestContext, json: string, similarity?: number): ShortCircuit {
      const body = JSON.parse(json) as ChatCompletion;
      // A fresh id: two requests never share one; `created` stays when the answer was made.
      body.id = `chatcmpl-cache-${ctx.id}`;
      ctx.responseHeaders[HEADER] = 'hit';
      if (similarity !== undefined) ctx.responseHeaders[`${HEADER}-similarity`] = similarity.toFixed(4);
      // Usage is the cached answer's (the engine reads it from the answer); nothing was spent upstream.
      ctx.cost = 0;
      return { respond: ctx.stream ? replayStream(body) : { kind: 'json', status: 200, headers: {}, body } };
    }

    async function find(ctx: RequestContext, p: Pending): Promise<ShortCircuit | undefined> {
      const semantic = searcher !== undefined && p.text !== undefined;
      const started = performance.now();
      let result = 'miss';
      try {
        const found = await timed(store.lookup(p.key, p.scope, semantic));
        metrics.ok();
        if (found.exact !== undefined) {
          result = 'hit_exact';
          return serve(ctx, found.exact);
        }
        if (!semantic) return undefined;
        const near = await searcher.nearest(p.text!, found.index);
        p.vector = near.query;
        if (near.key === undefined || near.similarity < config.similarity_threshold) return undefined;
        const json = await timed(store.get(near.key, p.scope));
        if (json === undefined) return undefined;
        result = 'hit_semantic';
        return serve(ctx, json, near.similarity);
      } catch (err) {
        result = 'error';
        throw err;
      } finally {
        metrics.lookup.observe({ result }, (performance.now() - started) / 1000);
        if (result === 'hit_exact' || result === 'hit_semantic') metrics.requests.inc({ result });
      }
    }

    function put(p: Pending, json: string): void {
      const write = async (): Promise<void> => {
        const vector = p.vector ?? (searcher && p.text !== undefined ? await searcher.embed(p.text) : undefined);
        await store.put(p.key, p.scope, json, vector);
      };
      write().then(
        () => {
          metrics.requests.inc({ result: 'store' });
          metrics.ok();
        },
        (err) => metrics.failed(err, 'store'),
      );
    }

    const instance: PluginInstance = {
      async onRequest(ctx) {
        if (ctx.endpoint !== 'chat' && ctx.endpoint !== 'messages' && ctx.endpoint !== 'responses') return;
        const body = ctx.body as ChatRequest;
        if (!Array.isArray(body?.messages) || body.messages.length === 0) return;
        const cc = directives(ctx.header('cache-control'));
        if ((body.n ?? 1) > 1 || (body.temperature ?? 0) > config.max_temperature || (cc.noCache && cc.noStore)) return bypass(ctx);
        const id = requestKey(body, partitionOf(ctx, config.partition_by), keyOpts);
        const p: Pending = { scope: id.scope, key: id.key, text: id.text };
        if (cc.noCache) bypass(ctx);
        else {
          try {
            const hit = await find(ctx, p);
            if (hit) return hit;
          } catch (err) {
            // Fail open: the request goes on uncached, and nothing is stored for it.
            metrics.failed(err, 'lookup');
            return bypass(ctx);
          }
          ctx.responseHeaders[HEADER] = 'miss';
          metrics.requests.inc({ result: 'miss' });
        }
        if (!cc.noStore) ctx.set(PENDING, p);
      },
      onResponse(ctx) {
        const p = ctx.get(PENDING);
        const r = ctx.response;
        // Only model answers: a canned response from a plugin below (no deployment) is not one.
        if (!p || !r || r.status !== 200 || !ctx.deployment) return;
        if (r.kind === 'stream') {
          if (config.store_streams) p.stream = new StreamAssembly();
        } else if (storable(r.body)) p.json = r.raw ? r.raw.toString('utf8') : JSON.stringify(r.body);
      },
      onDone(ctx) {
        const p = ctx.get(PENDING);
        if (!p || ctx.error || ctx.signal.aborted) return;
        if (p.json) return put(p, p.json);
        const c = ctx.status === 200 ? p.stream?.completion(ctx.usage) : undefined;
        if (c) put(p, JSON.stringify(c));
      },
    };
    // Reading the stream is the only reason to see its events: registered only when it
    // stores them, and it returns each event as it came (the upstream's bytes go on).
    if (config.store_streams)
      instance.onStreamChunk = function assembleStream(ctx, ev) {
        ctx.get(PENDING)?.stream?.add(ev.data);
        return ev;
      };
    return instance;
  },
};

export default semanticCache;
