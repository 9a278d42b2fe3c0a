/**
 * Key changes across replicas through PostgreSQL itself: a replica that changes a key
 * (or a user or team, whose budgets ride on key lookups) sends `pg_notify`; every replica
 * LISTENs on one connection of its own (outside the pool) and hands the id to the local
 * bus (changes.ts), which drops the auth caches. When that connection is lost it is
 * re-opened with backoff; notifications sent meanwhile are lost, so on reconnecting it
 * delivers `*` (drop everything). Caches are kept while it is down: they are what
 * authenticates requests during a database outage.
 *
 * @example
 *   const l = await listenForKeyChanges({ connectionString: url }, { onChange: deliverKeyChange, logger });
 *   await notifyKeyChange(sql, 'key_abc');   // every replica's onChange('key_abc'), this one's too
 */
import pg from 'pg';
import { sql as raw } from 'kysely';
import type { Logger } from 'pino';
import type { Sql } from './tables.ts';
import { reasonOf } from './availability.ts';

export const KEY_CHANGES_PG_CHANNEL = 'llm_gateway_key_changes';
const MAX_BACKOFF_MS = 5000;

export interface KeyChangeListener {
  /** True while LISTEN is active. */
  readonly up: boolean;
  close(): Promise<void>;
}

export async function notifyKeyChange(db: Sql, keyId: string): Promise<void> {
  await raw`SELECT pg_notify(${KEY_CHANGES_PG_CHANNEL}, ${keyId})`.execute(db);
}

export async function listenForKeyChanges(config: pg.ClientConfig, opts: { onChange(keyId: string): void; logger: Logger }): Promise<KeyChangeListener> {
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;
  let everUp = false;
  let closed = false;

  const onNotification = (m: pg.Notification) => {
    if (m.channel === KEY_CHANGES_PG_CHANNEL && m.payload) opts.onChange(m.payload);
  };

  function lost(c: pg.Client, err?: Error): void {
    if (client !== c) return;
    client = undefined;
    opts.logger.warn({ reason: err ? reasonOf(err) : 'connection ended' }, 'db: key-change listener lost; caches kept, reconnecting');
    c.off('notification', onNotification);
    c.end().catch(() => undefined);
    schedule();
  }

  function schedule(): void {
    if (closed) return;
    retry = setTimeout(() => void connect(), Math.min(250 * 2 ** attempt++, MAX_BACKOFF_MS));
    retry.unref();
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ ...config, keepAlive: true });
    // An idle client's error must have a listener (it would crash the process otherwise).
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${KEY_CHANGES_PG_CHANNEL}`);
    } catch (err) {
      c.off('notification', onNotification);
      c.end().catch(() => undefined);
      if (!everUp && attempt === 0) opts.logger.warn({ reason: reasonOf(err) }, 'db: key-change listener could not connect; retrying');
      return schedule();
    }
    if (closed) return void c.end().catch(() => undefined);
    client = c;
    attempt = 0;
    // Changes made while we were away were not heard: drop every cached lookup.
    if (everUp) {
      opts.logger.info('db: key-change listener reconnected; key caches dropped');
      opts.onChange('*');
    }
    everUp = true;
  }

  await connect();
  return {
    get up() {
      return client !== undefined;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
