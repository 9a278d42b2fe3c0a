/**
 * The identity database: keys, users, teams, usage, audit. Open one with `openDb` from
 * the `stores.db` config (SQLite for one host, PostgreSQL for a fleet); reach it from a
 * plugin or admin route with `dbOf(stores)`.
 *
 * @example
 *   const db = await openDb({ type: 'sqlite', path: './data/gateway.db' }, { logger, metrics });
 */
import type { Logger } from 'pino';
import type { Stores } from '../../types.ts';
import type { StoresConfig } from '../../config/types.ts';
import type { MetricsRegistry } from '../../metrics.ts';
import type { GatewayDb } from './types.ts';
import { openSqliteDb } from './sqlite.ts';
import { openPostgresDb } from './postgres.ts';

export type * from './types.ts';
export { hashSecret, visiblePrefix } from './secrets.ts';
export { announceKeyChange, onKeyChange } from './changes.ts';
export { recordConfigReload } from './config-audit.ts';

export interface OpenDbOptions {
  logger?: Logger;
  metrics?: MetricsRegistry;
}

export async function openDb(cfg: StoresConfig['db'] | undefined, opts: OpenDbOptions = {}): Promise<GatewayDb> {
  if (cfg?.type === 'postgres') {
    return openPostgresDb({ url: cfg.url, pool: cfg.pool, buffer: cfg.buffer, retention: cfg.retention, ...opts });
  }
  const path = !cfg || cfg.type === 'memory' ? ':memory:' : cfg.path;
  return openSqliteDb({ path, retention: cfg?.type === 'sqlite' ? cfg.retention : undefined, ...opts });
}

/** The typed db of a Stores (its `db` is `unknown` in the shared plugin contract). */
export function dbOf(stores: Stores): GatewayDb | undefined {
  const db = stores.db as GatewayDb | undefined | null;
  return db && typeof db === 'object' && (db.kind === 'sqlite' || db.kind === 'postgres') ? db : undefined;
}
