/**
 * The SQLite GatewayDb (better-sqlite3, WAL). `path: ':memory:'` for tests and the
 * `type: memory` store. The folder of a file path is created. Every statement is
 * prepared once here; usage rows go through a batching queue.
 *
 * @example
 *   const db = openSqliteDb({ path: './data/gateway.db' });
 *   const { record, secret } = await db.createKey({ name: 'ci' }); // secret shown once
 *   await db.close();
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GatewayDb } from './types.ts';
import { migrate } from './migrations.ts';
import { keysRepo } from './keys-repo.ts';
import { usersRepo, teamsRepo } from './people-repo.ts';
import { usageRepo } from './usage-repo.ts';
import { auditRepo } from './audit-repo.ts';

export interface SqliteOptions {
  path: string;
  /** Usage queue: flush interval and batch size. */
  flushMs?: number;
  batch?: number;
  onError?: (err: Error) => void;
}

export function openSqliteDb(opts: SqliteOptions): GatewayDb {
  if (opts.path !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const keys = keysRepo(db);
  const users = usersRepo(db);
  const teams = teamsRepo(db);
  const usage = usageRepo(db, opts);
  const audit = auditRepo(db);
  let closed = false;

  return {
    kind: 'sqlite',
    createKey: async (input) => keys.create(input),
    getKey: async (id) => keys.get(id),
    findKeyByHash: async (hash) => keys.findByHash(hash),
    listKeys: async (q) => keys.list(q),
    updateKey: async (id, patch) => keys.update(id, patch),
    revokeKey: async (id) => keys.revoke(id),
    rotateKey: async (id, grace) => keys.rotate(id, grace),

    createUser: async (input) => users.create(input),
    getUser: async (id) => users.get(id),
    listUsers: async (q) => users.list(q),
    updateUser: async (id, patch) => users.update(id, patch),
    deleteUser: async (id) => users.delete(id),

    createTeam: async (input) => teams.create(input),
    getTeam: async (id) => teams.get(id),
    listTeams: async (q) => teams.list(q),
    updateTeam: async (id, patch) => teams.update(id, patch),
    deleteTeam: async (id) => teams.delete(id),

    recordUsage: (row) => {
      if (!closed) usage.record(row);
    },
    queryUsage: async (q) => usage.query(q),
    recordAudit: (entry) => {
      if (!closed) audit.record(entry);
    },
    queryAudit: async (q) => audit.query(q),

    flush: () => usage.flush(),
    async close() {
      if (closed) return;
      usage.flush();
      closed = true;
      db.close();
    },
  };
}
