/**
 * Builds the gateway's stores from `stores:` config: the shared state store (memory, or
 * Redis when replicas must share counters) and the identity database (SQLite file,
 * in-memory SQLite for `type: memory`, or PostgreSQL shared by replicas). The server
 * calls this once at start-up and `closeStores` on shutdown.
 *
 * @example
 *   const stores = await createStores({ state: { type: 'memory' }, db: { type: 'memory' } }, logger);
 *   await closeStores(stores);
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/types.ts';
import type { Stores } from '../types.ts';
import type { MetricsRegistry } from '../metrics.ts';
import type { StateStore } from './state.ts';
import { createMemoryStateStore } from './memory-state.ts';
import { createRedisStateStore } from './redis-state.ts';
import { openDb, dbOf } from './db/index.ts';

const DEFAULT_PREFIX = 'gw:';

export function createStateStore(cfg: GatewayConfig['stores']['state'] | undefined, logger: Logger): StateStore {
  if (cfg?.type === 'redis') return createRedisStateStore(cfg, cfg.prefix ?? DEFAULT_PREFIX, logger);
  return createMemoryStateStore(DEFAULT_PREFIX);
}

/** Wait (bounded) for Redis to be ready: commands fail fast without an offline queue. */
async function ready(state: StateStore, timeoutMs: number): Promise<void> {
  const r = state.redis;
  if (!r || r.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, timeoutMs);
    r.once('ready', done);
    function done() {
      clearTimeout(t);
      r!.off('ready', done);
      resolve();
    }
  });
}

/** `metrics` receives the database's buffer metrics (rows buffered, dropped, failed writes). */
export async function createStores(config: GatewayConfig['stores'] | undefined, logger: Logger, metrics?: MetricsRegistry): Promise<Stores> {
  const state = createStateStore(config?.state, logger);
  // Unreachable Redis must not stop start-up: limits then fail open/closed as configured.
  await ready(state, 3000);
  try {
    const db = await openDb(config?.db, { logger, metrics });
    return { state, db };
  } catch (err) {
    await state.close();
    throw err;
  }
}

/** Flush buffered usage and audit rows and close both stores. */
export async function closeStores(stores: Stores): Promise<void> {
  await dbOf(stores)?.close();
  await stores.state.close();
}
