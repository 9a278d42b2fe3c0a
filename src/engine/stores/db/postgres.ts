/**
 * The PostgreSQL GatewayDb, for a fleet: every replica points at one database. A bounded
 * node-postgres pool runs the shared Kysely queries (gateway-db.ts); migrations run once
 * under an advisory lock however many replicas start together; key changes reach every
 * replica through LISTEN/NOTIFY (pg-changes.ts). Start-up waits a bounded time for the
 * database, then fails with a message that never holds the URL.
 *
 * @example
 *   const db = await openPostgresDb({ url: process.env.DATABASE_URL! });
 *   await db.createKey({ name: 'ci' });
 *   await db.close();
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { pino, type Logger } from 'pino';
import type { MetricsRegistry } from '../../metrics.ts';
import type { GatewayDb } from './types.ts';
import type { GatewayTables } from './tables.ts';
import { migratePostgres } from './migrations.ts';
import { createGatewayDb, DEFAULT_BUFFER, type BufferSettings } from './gateway-db.ts';
import { listenForKeyChanges, notifyKeyChange } from './pg-changes.ts';
import { deliverKeyChange } from './changes.ts';
import { isUnavailable, reasonOf } from './availability.ts';
import type { RetentionConfig } from './retention.ts';

export interface PoolSettings {
  /** Most connections per replica. */
  max: number;
  connect_timeout_ms: number;
  idle_timeout_ms: number;
  /** Server-side limit per statement; the client gives up a second later. */
  statement_timeout_ms: number;
}

export const DEFAULT_POOL: PoolSettings = { max: 10, connect_timeout_ms: 2000, idle_timeout_ms: 30_000, statement_timeout_ms: 5000 };

export interface PostgresOptions {
  url: string;
  pool?: Partial<PoolSettings>;
  buffer?: Partial<BufferSettings>;
  retention?: RetentionConfig;
  /** How long start-up waits for the database to answer (default 10 s). */
  startupTimeoutMs?: number;
  logger?: Logger;
  metrics?: MetricsRegistry;
}

const INT8 = 20;
const NUMERIC = 1700;
/** COUNT and SUM over integers are bigint in PostgreSQL: numbers here, as SQLite gives them. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A driver message with the URL and its password taken out (they can echo the connection string). */
function scrub(message: string, url: string): string {
  let out = message.split(url).join('<stores.db.url>');
  try {
    const pw = decodeURIComponent(new URL(url).password);
    if (pw) out = out.split(pw).join('***');
  } catch {
    /* not a URL: nothing more to hide */
  }
  return out;
}

export async function openPostgresDb(opts: PostgresOptions): Promise<GatewayDb> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const ps = { ...DEFAULT_POOL, ...opts.pool };
  const connection = {
    connectionString: opts.url,
    connectionTimeoutMillis: ps.connect_timeout_ms,
    application_name: 'llm-gateway',
    types,
  };
  const pool = new pg.Pool({
    ...connection,
    max: ps.max,
    idleTimeoutMillis: ps.idle_timeout_ms,
    statement_timeout: ps.statement_timeout_ms,
    query_timeout: ps.statement_timeout_ms + 1000,
    keepAlive: true,
  });
  // A connection the server cuts (restart, failover) emits 'error' on its client, idle or
  // checked out between two statements: unhandled, that would end the process. The query
  // in flight fails on its own, and the pool discards the broken client when it returns.
  pool.on('error', (err) => logger.warn({ reason: reasonOf(err) }, 'db: idle connection lost'));
  pool.on('connect', (client) => client.on('error', () => undefined));
  const sql = new Kysely<GatewayTables>({ dialect: new PostgresDialect({ pool }) });

  const deadline = Date.now() + (opts.startupTimeoutMs ?? 10_000);
  for (;;) {
    try {
      await migratePostgres(sql);
      break;
    } catch (err) {
      if (isUnavailable(err) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      await sql.destroy().catch(() => undefined);
      const why = isUnavailable(err) ? reasonOf(err) : scrub((err as Error).message, opts.url);
      // eslint-disable-next-line preserve-caught-error -- the driver's error can echo the URL: only its scrubbed text goes on
      throw new Error(`stores.db (postgres): cannot start: ${why}`);
    }
  }

  const listener = await listenForKeyChanges(connection, { onChange: deliverKeyChange, logger });
  return createGatewayDb({
    kind: 'postgres',
    sql,
    logger,
    metrics: opts.metrics,
    buffer: { ...DEFAULT_BUFFER, ...opts.buffer },
    retention: opts.retention,
    announce: (id) => notifyKeyChange(sql, id),
    listening: () => listener.up,
    async release() {
      await listener.close();
      await sql.destroy();
    },
  });
}
