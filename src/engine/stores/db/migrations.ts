/**
 * Versioned schema migrations. Each entry runs once, in order, inside a transaction, and
 * is recorded in `schema_migrations`; never edit a shipped migration, append a new one.
 *
 * @example
 *   migrate(new Database(':memory:')); // → the latest version number
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'identity, usage and audit',
    sql: `
      CREATE TABLE teams (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, budget TEXT, metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY, email TEXT, name TEXT, team_id TEXT REFERENCES teams(id) ON DELETE SET NULL,
        budget TEXT, metadata TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, name TEXT,
        user_id TEXT REFERENCES users(id) ON DELETE SET NULL, team_id TEXT REFERENCES teams(id) ON DELETE SET NULL,
        permissions TEXT NOT NULL DEFAULT '{}', limits TEXT NOT NULL DEFAULT '{}', budget TEXT,
        expires_at TEXT, revoked_at TEXT, metadata TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL,
        rotated_from TEXT, grace_until TEXT
      );
      CREATE INDEX api_keys_user ON api_keys(user_id);
      CREATE INDEX api_keys_team ON api_keys(team_id);
      CREATE TABLE usage (
        id INTEGER PRIMARY KEY, ts TEXT NOT NULL, request_id TEXT NOT NULL, key_id TEXT, user_id TEXT,
        team_id TEXT, model TEXT, provider TEXT, tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0, tokens_cached INTEGER NOT NULL DEFAULT 0,
        cost REAL NOT NULL DEFAULT 0, latency_ms REAL NOT NULL DEFAULT 0, status INTEGER NOT NULL
      );
      CREATE INDEX usage_ts ON usage(ts);
      CREATE INDEX usage_key_ts ON usage(key_id, ts);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        target TEXT, details TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_ts ON audit(ts);
      CREATE INDEX audit_action ON audit(action);
    `,
  },
];

/**
 * Bring `db` to the latest schema; returns the version it is at. Runs in one IMMEDIATE
 * transaction, so replicas starting together on one file migrate it once.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const currentVersion = db.prepare('SELECT MAX(version) AS v FROM schema_migrations');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const run = db.transaction((): number => {
    let version = (currentVersion.get() as { v: number | null }).v ?? 0;
    for (const m of migrations) {
      if (m.version <= version) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      version = m.version;
    }
    return version;
  });
  return run.immediate();
}
