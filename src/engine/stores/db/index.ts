/**
 * The identity database: keys, users, teams, usage, audit. Open one with `openDb`
 * from the `stores.db` config; reach it from a plugin or admin route with `dbOf(stores)`.
 *
 * @example
 *   const db = openDb({ type: 'sqlite', path: './data/gateway.db' });
 */
import type { Stores } from '../../types.ts';
import type { StoresConfig } from '../../config/types.ts';
import type { GatewayDb } from './types.ts';
import { openSqliteDb } from './sqlite.ts';

export type * from './types.ts';
export { hashSecret, visiblePrefix } from './secrets.ts';
export { announceKeyChange, onKeyChange } from './changes.ts';
export { recordConfigReload } from './config-audit.ts';

export function openDb(cfg: StoresConfig['db'] | undefined, onError?: (err: Error) => void): GatewayDb {
  const path = !cfg || cfg.type === 'memory' ? ':memory:' : cfg.path;
  return openSqliteDb({ path, onError });
}

/** The typed db of a Stores (its `db` is `unknown` in the shared plugin contract). */
export function dbOf(stores: Stores): GatewayDb | undefined {
  const db = stores.db as GatewayDb | undefined | null;
  return db && typeof db === 'object' && db.kind === 'sqlite' ? db : undefined;
}
