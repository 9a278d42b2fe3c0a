/**
 * Versioned schema migrations, written once with Kysely's schema builder for both
 * dialects. Each runs once, in order, inside a transaction, and is recorded in
 * `schema_migrations`; never edit a shipped migration, append a new one. (Migration 1
 * was first shipped as SQLite SQL; this is the same schema, so SQLite files already at
 * version 1 are untouched.)
 *
 * Replicas starting together migrate once: SQLite takes the file's write lock
 * (BEGIN IMMEDIATE), PostgreSQL a transaction-scoped advisory lock.
 *
 * @example
 *   migrateSqlite(raw, sql);       // → the latest version number
 *   await migratePostgres(sql);    // same, under pg_advisory_xact_lock
 */
import { sql as raw, type Compilable, type ColumnDefinitionBuilder } from 'kysely';
import type { Database } from 'better-sqlite3';
import type { DbKind, Sql } from './tables.ts';

export interface Migration {
  version: number;
  name: string;
  /** The statements, built for `kind`; the runner executes them in order. */
  up(db: Sql, kind: DbKind): Compilable[];
}

/** An integer id the database assigns: SQLite's rowid alias, PostgreSQL's identity column. */
const serialId = (kind: DbKind) => (c: ColumnDefinitionBuilder) => (kind === 'sqlite' ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity());
const serialType = (kind: DbKind) => (kind === 'sqlite' ? 'integer' : 'bigint');
const jsonObject = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('{}');
const zero = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'identity, usage and audit',
    up: (db, kind) => [
      db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('budget', 'text')
        .addColumn('metadata', 'text', jsonObject)
        .addColumn('created_at', 'text', (c) => c.notNull()),
      db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text')
        .addColumn('name', 'text')
        .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
        .addColumn('budget', 'text')
        .addColumn('metadata', 'text', jsonObject)
        .addColumn('created_at', 'text', (c) => c.notNull()),
      db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
        .addColumn('permissions', 'text', jsonObject)
        .addColumn('limits', 'text', jsonObject)
        .addColumn('budget', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('metadata', 'text', jsonObject)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('rotated_from', 'text')
        .addColumn('grace_until', 'text'),
      db.schema.createIndex('api_keys_user').on('api_keys').column('user_id'),
      db.schema.createIndex('api_keys_team').on('api_keys').column('team_id'),
      db.schema
        .createTable('usage')
        .addColumn('id', serialType(kind), serialId(kind))
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('model', 'text')
        .addColumn('provider', 'text')
        .addColumn('tokens_in', 'integer', zero)
        .addColumn('tokens_out', 'integer', zero)
        .addColumn('tokens_cached', 'integer', zero)
        // SQLite gives "double precision" REAL affinity; PostgreSQL's `real` would be float4.
        .addColumn('cost', 'double precision', zero)
        .addColumn('latency_ms', 'double precision', zero)
        .addColumn('status', 'integer', (c) => c.notNull()),
      db.schema.createIndex('usage_ts').on('usage').column('ts'),
      db.schema.createIndex('usage_key_ts').on('usage').columns(['key_id', 'ts']),
      db.schema
        .createTable('audit')
        .addColumn('id', serialType(kind), serialId(kind))
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('details', 'text', jsonObject),
      db.schema.createIndex('audit_ts').on('audit').column('ts'),
      db.schema.createIndex('audit_action').on('audit').column('action'),
    ],
  },
  {
    version: 2,
    name: 'idempotent buffered writes; key listing by creation',
    // A batch retried after a lost acknowledgement must not count twice: rows carry a
    // gateway-made uid, and inserts skip one already there. Listing pages by
    // (created_at, id), which both dialects have (SQLite's rowid has no PostgreSQL twin).
    up: (db) => [
      db.schema.alterTable('usage').addColumn('uid', 'text'),
      db.schema.createIndex('usage_uid').unique().on('usage').column('uid'),
      db.schema.alterTable('audit').addColumn('uid', 'text'),
      db.schema.createIndex('audit_uid').unique().on('audit').column('uid'),
      db.schema.createIndex('api_keys_created').on('api_keys').columns(['created_at', 'id']),
    ],
  },
];

const migrationsTable = (db: Sql) =>
  db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull());
const currentVersion = (db: Sql) => db.selectFrom('schema_migrations').select((eb) => eb.fn.max('version').as('v'));
const recordVersion = (db: Sql, m: Migration) =>
  db.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() });

/**
 * Bring a SQLite file to the latest schema, synchronously (so opening stays synchronous):
 * Kysely only compiles, better-sqlite3 runs, in one IMMEDIATE transaction.
 */
export function migrateSqlite(file: Database, db: Sql, migrations: readonly Migration[] = MIGRATIONS): number {
  const run = (q: Compilable) => {
    const c = q.compile();
    const stmt = file.prepare(c.sql);
    return stmt.reader ? stmt.get(...c.parameters) : stmt.run(...c.parameters);
  };
  const tx = file.transaction((): number => {
    run(migrationsTable(db));
    let version = (run(currentVersion(db)) as { v: number | null }).v ?? 0;
    for (const m of migrations) {
      if (m.version <= version) continue;
      for (const step of m.up(db, 'sqlite')) run(step);
      run(recordVersion(db, m));
      version = m.version;
    }
    return version;
  });
  return tx.immediate();
}

/** Any 64-bit number that no other advisory-lock user of the database picks. */
export const MIGRATION_LOCK = 0x6c6c6d_6777; // "llmgw"

/** Bring a PostgreSQL database to the latest schema; replicas wait for each other's run. */
export async function migratePostgres(db: Sql, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await raw`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await migrationsTable(trx).execute();
    let version = (await currentVersion(trx).executeTakeFirst())?.v ?? 0;
    for (const m of migrations) {
      if (m.version <= version) continue;
      for (const step of m.up(trx, 'postgres')) await trx.executeQuery(step.compile());
      await recordVersion(trx, m).execute();
      version = m.version;
    }
    return version;
  });
}
