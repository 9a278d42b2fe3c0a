/** Fake plugin env and request contexts for the identity plugins' unit tests. */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { RequestContext } from '../../../src/engine/context.ts';
import { MetricsRegistry } from '../../../src/engine/metrics.ts';
import { createMemoryStateStore } from '../../../src/engine/stores/memory-state.ts';
import { createRedisStateStore } from '../../../src/engine/stores/redis-state.ts';
import { openSqliteDb } from '../../../src/engine/stores/db/sqlite.ts';
import type { StateStore } from '../../../src/engine/stores/state.ts';
import type { Deployment, ModelCatalog, PluginDefinition, PluginEnv, PluginInstance } from '../../../src/engine/types.ts';
import type { GatewayConfig } from '../../../src/engine/config/types.ts';
import type { GatewayDb } from '../../../src/engine/stores/db/types.ts';

export const silent = pino({ level: 'silent' });

export function catalog(groups: Record<string, string[]>): ModelCatalog {
  const dep = (name: string, provider: string) => ({ id: `${provider}/${name}`, name, provider }) as unknown as Deployment;
  return {
    group: (n) => groups[n]?.map((p) => dep(n, p)),
    names: () => Object.keys(groups),
    all: () => Object.entries(groups).flatMap(([n, ps]) => ps.map((p) => dep(n, p))),
    provider: () => undefined,
  };
}

export interface FakeEnv extends PluginEnv {
  db: GatewayDb;
  state: StateStore;
}

/** kind 'redis' uses the real Redis at 127.0.0.1:6379 under a random test prefix. */
export function fakeEnv(kind: 'memory' | 'redis', opts: { keys?: unknown[]; prefix?: string; db?: GatewayDb } = {}): FakeEnv {
  const prefix = opts.prefix ?? `test:unit:${randomBytes(6).toString('hex')}:`;
  const state = kind === 'redis' ? createRedisStateStore('redis://127.0.0.1:6379', prefix, silent) : createMemoryStateStore(prefix);
  const db = opts.db ?? openSqliteDb({ path: ':memory:' });
  return {
    pluginId: 'test',
    logger: silent,
    config: { keys: opts.keys } as unknown as GatewayConfig,
    configDir: '.',
    generation: 1,
    models: catalog({ 'mock-gpt': ['local'], 'gpt-4o': ['openai'], mixed: ['local', 'openai'] }),
    stores: { state, db },
    metrics: new MetricsRegistry({ defaultMetrics: false }),
    pool: undefined as never,
    db,
    state,
  };
}

/** Build a plugin instance with its schema defaults applied by hand. */
export async function instance<C>(def: PluginDefinition<C>, config: C, env: PluginEnv): Promise<PluginInstance> {
  return def.create(config, env);
}

let n = 0;
export function fakeCtx(opts: { key?: string; model?: string; endpoint?: RequestContext['endpoint']; body?: unknown; ip?: string } = {}): RequestContext {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  return new RequestContext({
    id: `req-${++n}`,
    endpoint: opts.endpoint ?? 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    headers,
    clientIp: opts.ip ?? '10.0.0.1',
    generation: 1,
    log: silent,
    signal: new AbortController().signal,
    body: opts.body ?? { model: opts.model ?? 'mock-gpt', messages: [{ role: 'user', content: 'hello' }] },
  });
}

/** The error code a hook threw, or 'ok'. */
export async function outcome(p: unknown): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

/** Delete every key under `prefix` through a store's own client. */
export async function cleanup(env: FakeEnv): Promise<void> {
  const r = env.state.redis;
  if (r) {
    if (r.status !== 'ready') await new Promise((res) => r.once('ready', res));
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${env.state.prefix}*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  await env.state.close();
  await env.db.close();
}
