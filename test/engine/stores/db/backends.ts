/**
 * The two database backends the contract suite runs against, behind one interface: each
 * test opens a fresh, empty GatewayDb and can read tables from outside the gateway (a
 * second connection), to check what really reached the database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { openSqliteDb } from '../../../../src/engine/stores/db/sqlite.ts';
import { openPostgresDb } from '../../../../src/engine/stores/db/postgres.ts';
import type { GatewayDb } from '../../../../src/engine/stores/db/types.ts';
import type { GatewayTables, Sql } from '../../../../src/engine/stores/db/tables.ts';
import type { MetricsRegistry } from '../../../../src/engine/metrics.ts';
import { createTestDatabase, type TestDatabase } from './pg.ts';

export interface OpenOptions {
  flushMs?: number;
  metrics?: MetricsRegistry;
}

export interface Backend {
  name: string;
  before(): Promise<void>;
  after(): Promise<void>;
  /** A GatewayDb on an empty database. */
  open(o?: OpenOptions): Promise<GatewayDb>;
  /** Every row of a table, read through a connection of the test's own. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  /** A Kysely handle on the same database, for repository-level checks; destroyed by `fn`'s end. */
  withSql<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

export function sqliteBackend(): Backend {
  let dir: string;
  let file = '';
  let n = 0;
  return {
    name: 'SQLite',
    async before() {
      dir = await mkdtemp(path.join(os.tmpdir(), 'gw-db-'));
    },
    after: () => rm(dir, { recursive: true, force: true }),
    async open(o = {}) {
      file = path.join(dir, `t${++n}.db`);
      return openSqliteDb({ path: file, flushMs: o.flushMs, metrics: o.metrics });
    },
    async rows(table) {
      const raw = new Database(file, { readonly: true });
      try {
        return raw.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      } finally {
        raw.close();
      }
    },
    async withSql(fn) {
      const sql = new Kysely<GatewayTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
      try {
        return await fn(sql);
      } finally {
        await sql.destroy();
      }
    },
  };
}

export function postgresBackend(): Backend {
  let tdb: TestDatabase;
  return {
    name: 'PostgreSQL',
    async before() {
      tdb = await createTestDatabase();
    },
    after: () => tdb.drop(),
    async open(o = {}) {
      const db = await openPostgresDb({ url: tdb.url, buffer: o.flushMs ? { flush_ms: o.flushMs } : undefined, metrics: o.metrics });
      // One database for the suite: each test starts from empty tables (migrations stay).
      await tdb.query('TRUNCATE api_keys, users, teams, usage, audit RESTART IDENTITY CASCADE');
      return db;
    },
    rows: (table) => tdb.query(`SELECT * FROM ${table}`),
    async withSql(fn) {
      const sql = new Kysely<GatewayTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: tdb.url, max: 2 }) }) });
      try {
        return await fn(sql);
      } finally {
        await sql.destroy();
      }
    },
  };
}

export const BACKENDS: Backend[] = [sqliteBackend(), postgresBackend()];
