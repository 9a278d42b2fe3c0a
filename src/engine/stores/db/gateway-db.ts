/**
 * One GatewayDb for both dialects: the repositories (one set of Kysely queries), the
 * write buffers for usage and audit rows, key-change announcements, retention, and the
 * health `/readyz` shows. sqlite.ts and postgres.ts only open a connection, migrate, and
 * hand the pieces that differ (announce, listener, release) to `createGatewayDb`.
 * Every call that reaches the database goes through `guard`: success marks the database
 * reachable, an outage becomes a 503 `GW_ERR_STORE_UNAVAILABLE` (never the driver's text).
 */
import { randomBytes } from 'node:crypto';
import { sql as raw } from 'kysely';
import type { Logger } from 'pino';
import type { MetricsRegistry } from '../../metrics.ts';
import type { AuditEntry, AuditQuery, DbHealth, GatewayDb, UsageQuery, UsageRow } from './types.ts';
import type { DbKind, Sql } from './tables.ts';
import { keysRepo } from './keys-repo.ts';
import { usersRepo, teamsRepo } from './people-repo.ts';
import { usageRepo, type UsageInsert } from './usage-repo.ts';
import { auditRepo, toAuditInsert, type AuditInsert } from './audit-repo.ts';
import { WriteBuffer } from './write-buffer.ts';
import { Availability, isRejected } from './availability.ts';
import { bufferHooks } from './buffer-hooks.ts';
import { startRetention, type RetentionConfig } from './retention.ts';
import { nowIso } from './rows.ts';

export interface BufferSettings {
  /** Most rows held in memory per table while the database is away; more are dropped and counted. */
  max_rows: number;
  /** Usage rows are written this often (ms)… */
  flush_ms: number;
  /** …or as soon as this many wait; also the rows per INSERT. */
  batch: number;
}

export const DEFAULT_BUFFER: BufferSettings = { max_rows: 100_000, flush_ms: 100, batch: 500 };

export interface DbParts {
  kind: DbKind;
  sql: Sql;
  logger: Logger;
  metrics?: MetricsRegistry;
  buffer?: BufferSettings;
  retention?: RetentionConfig;
  /** Tell every replica that a key (or `user:<id>`, `team:<id>`) changed; PostgreSQL's NOTIFY. */
  announce?(keyId: string): Promise<void>;
  /** Whether changes from other replicas are being heard (PostgreSQL's LISTEN connection). */
  listening?(): boolean;
  /** Close what the dialect opened (listener, pool, file). */
  release(): Promise<void>;
}

/** /readyz must answer well inside a probe's timeout (Kubernetes' default is 1 s), even when the database hangs. */
const PING_TIMEOUT_MS = 500;

export function createGatewayDb(p: DbParts): GatewayDb {
  const keys = keysRepo(p.sql);
  const users = usersRepo(p.sql);
  const teams = teamsRepo(p.sql);
  const usage = usageRepo(p.sql);
  const audit = auditRepo(p.sql);
  const availability = new Availability();
  const hooks = bufferHooks(p.metrics, p.logger, availability);
  const b = p.buffer ?? DEFAULT_BUFFER;
  const retryable = (err: unknown) => !isRejected(err);
  const usageRows = new WriteBuffer<UsageInsert>({
    table: 'usage',
    write: usage.insert,
    retryable,
    flushMs: b.flush_ms,
    batch: b.batch,
    maxRows: b.max_rows,
    hooks,
  });
  // Audit rows are rare and matter: written on the next tick rather than every flush_ms.
  const auditRows = new WriteBuffer<AuditInsert>({ table: 'audit', write: audit.insert, retryable, flushMs: 0, batch: b.batch, maxRows: b.max_rows, hooks });
  const stopRetention = startRetention(p.sql, p.retention, p.logger);

  // Row uids: unique per process start, cheap per row (no random bytes per request).
  const boot = randomBytes(9).toString('base64url');
  let seq = 0;
  const uid = () => `${boot}.${(++seq).toString(36)}`;

  function guard<A extends unknown[], R>(fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
    return async function guarded(...a: A): Promise<R> {
      try {
        const r = await fn(...a);
        availability.ok();
        return r;
      } catch (err) {
        throw availability.fail(err);
      }
    };
  }

  /** Announce after the change is committed; a failed announcement leaves caches to their TTL. */
  async function changed(id: string | undefined): Promise<void> {
    if (!id || !p.announce) return;
    await p
      .announce(id)
      .catch((err: unknown) => p.logger.warn({ code: (err as { code?: string }).code }, 'db: key change not announced; caches expire by TTL'));
  }
  const announcing =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>, idOf: (r: R, ...a: A) => string | undefined) =>
    async (...a: A): Promise<R> => {
      const r = await fn(...a);
      if (r) await changed(idOf(r, ...a));
      return r;
    };

  async function health(): Promise<DbHealth> {
    const reasons: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error('ping timed out'), { code: 'ETIMEDOUT' })), PING_TIMEOUT_MS)),
    );
    try {
      await Promise.race([raw`SELECT 1`.execute(p.sql), timeout]);
      availability.ok();
    } catch (err) {
      availability.fail(err);
      if (!availability.down) reasons.push('database check failed');
    } finally {
      clearTimeout(timer);
    }
    const down = availability.down;
    if (down) reasons.push(`${down.reason} since ${down.since}`);
    if (usageRows.failing || auditRows.failing) reasons.push('usage/audit rows buffered in memory until the database answers');
    if (p.listening && !p.listening()) reasons.push('not hearing key changes from other replicas (reconnecting)');
    const buffered = { usage: usageRows.size, audit: auditRows.size };
    return reasons.length ? { status: 'degraded', reason: reasons.join('; '), buffered } : { status: 'ok', buffered };
  }

  let closing: Promise<void> | undefined;

  return {
    kind: p.kind,
    createKey: guard(keys.create),
    getKey: guard(keys.get),
    findKeyByHash: guard(keys.findByHash),
    listKeys: guard(keys.list),
    updateKey: guard(announcing(keys.update, (r) => r?.id)),
    revokeKey: guard(announcing(keys.revoke, (r) => r?.id)),
    rotateKey: guard(announcing(keys.rotate, (r) => r?.old.id)),

    createUser: guard(users.create),
    getUser: guard(users.get),
    listUsers: guard(users.list),
    updateUser: guard(announcing(users.update, (r) => r && `user:${r.id}`)),
    deleteUser: guard(announcing(users.delete, (_r, id) => `user:${id}`)),

    createTeam: guard(teams.create),
    getTeam: guard(teams.get),
    listTeams: guard(teams.list),
    updateTeam: guard(announcing(teams.update, (r) => r && `team:${r.id}`)),
    deleteTeam: guard(announcing(teams.delete, (_r, id) => `team:${id}`)),

    recordUsage(row: UsageRow) {
      usageRows.push({ ...row, uid: uid() });
    },
    queryUsage: guard(async (q: UsageQuery) => {
      await usageRows.flush();
      return usage.query(q);
    }),
    recordAudit(entry: AuditEntry) {
      auditRows.push(toAuditInsert(entry, uid(), nowIso()));
    },
    queryAudit: guard(async (q?: AuditQuery) => {
      await auditRows.flush();
      return audit.query(q);
    }),

    flush: async () => {
      await Promise.all([usageRows.flush(), auditRows.flush()]);
    },
    health,
    close: () =>
      (closing ??= (async () => {
        stopRetention();
        await Promise.all([usageRows.close(), auditRows.close()]);
        await p.release();
      })()),
  };
}
