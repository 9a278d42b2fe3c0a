/**
 * The SQLite GatewayDb (better-sqlite3, WAL): the embedded default for one host.
 * `path: ':memory:'` for tests and the `type: memory` store; the folder of a file path is
 * created. Opening is synchronous (migrations run through better-sqlite3 directly); the
 * queries are the shared Kysely ones (gateway-db.ts). Replicas on one host may share the
 * file; replicas on several hosts need PostgreSQL (postgres.ts).
 *
 * @example
 *   const db = openSqliteDb({ path: './data/gateway.db' });
 *   const { record, secret } = await db.createKey({ name: 'ci' }); // secret shown once
 *   await db.close();
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import type { MetricsRegistry } from '../../metrics.ts';
import type { GatewayDb } from './types.ts';
import type { GatewayTables } from './tables.ts';
import { migrateSqlite } from './migrations.ts';
import { createGatewayDb, DEFAULT_BUFFER } from './gateway-db.ts';
import type { RetentionConfig } from './retention.ts';

export interface SqliteOptions {
  path: string;
  /** Usage buffer: flush interval and batch size (defaults 100 ms, 500 rows). */
  flushMs?: number;
  batch?: number;
  retention?: RetentionConfig;
  logger?: Logger;
  metrics?: MetricsRegistry;
}

export function openSqliteDb(opts: SqliteOptions): GatewayDb {
  if (opts.path !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const file = new Database(opts.path);
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const sql = new Kysely<GatewayTables>({ dialect: new SqliteDialect({ database: file }) });
  migrateSqlite(file, sql);
  return createGatewayDb({
    kind: 'sqlite',
    sql,
    logger: opts.logger ?? pino({ level: 'silent' }),
    metrics: opts.metrics,
    buffer: { ...DEFAULT_BUFFER, flush_ms: opts.flushMs ?? DEFAULT_BUFFER.flush_ms, batch: opts.batch ?? DEFAULT_BUFFER.batch },
    retention: opts.retention,
    // Other processes on this file hear of changes through the state store's bus (changes.ts).
    release: () => sql.destroy(),
  });
}
