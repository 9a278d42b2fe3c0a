/** SQLite only: the file itself (WAL, folder created) and files made by earlier versions. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteDb } from '../../../../src/engine/stores/db/sqlite.ts';
import { MIGRATIONS } from '../../../../src/engine/stores/db/migrations.ts';
import { hashSecret } from '../../../../src/engine/stores/db/secrets.ts';

const V1_SQL = new URL('./fixtures/sqlite-v1.sql', import.meta.url);
/** Indexes added by migrations after 1. */
const LATER_INDEXES = new Set(['usage_uid', 'audit_uid', 'api_keys_created']);

/** Columns by table, types reduced to SQLite's affinity (REAL and DOUBLE PRECISION are one). */
function schemaOf(file: string): Record<string, unknown[]> {
  const raw = new Database(file, { readonly: true });
  const affinity = (t: string) => (/INT/i.test(t) ? 'INTEGER' : /CHAR|CLOB|TEXT/i.test(t) ? 'TEXT' : /REAL|FLOA|DOUB/i.test(t) ? 'REAL' : t);
  const out: Record<string, unknown[]> = {};
  for (const t of ['teams', 'users', 'api_keys', 'usage', 'audit']) {
    out[t] = (raw.pragma(`table_info(${t})`) as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[])
      .filter((c) => c.name !== 'uid')
      .map((c) => [c.name, affinity(c.type), c.notnull, c.dflt_value, c.pk]);
    out[`${t}:fk`] = raw.pragma(`foreign_key_list(${t})`) as unknown[];
    out[`${t}:indexes`] = (raw.pragma(`index_list(${t})`) as { name: string; unique: number }[])
      .filter((i) => !LATER_INDEXES.has(i.name))
      .map((i) => [
        i.name.startsWith('sqlite_autoindex') ? 'auto' : i.name,
        i.unique,
        (raw.pragma(`index_info(${i.name})`) as { name: string }[]).map((c) => c.name),
      ])
      .sort((a, b) => String(a).localeCompare(String(b)));
  }
  raw.close();
  return out;
}

describe('identity db (SQLite file)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-sqlite-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates the folder, uses WAL, and records the migrations it ran', async () => {
    const file = path.join(dir, 'nested', 'gw.db');
    await openSqliteDb({ path: file }).close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(
      raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all(),
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    raw.close();
  });

  it('migration 1, rewritten with Kysely, builds the schema the shipped SQL built', async () => {
    const shipped = path.join(dir, 'shipped.db');
    const raw = new Database(shipped);
    raw.exec(await readFile(V1_SQL, 'utf8'));
    raw.close();
    const now = path.join(dir, 'now.db');
    await openSqliteDb({ path: now }).close();
    assert.deepEqual(schemaOf(now), schemaOf(shipped));
  });

  it('upgrades a file made by version 1: its keys, usage and audit rows still answer', async () => {
    const file = path.join(dir, 'v1.db');
    const raw = new Database(file);
    raw.exec(await readFile(V1_SQL, 'utf8'));
    raw.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run('identity, usage and audit', '2025-01-01T00:00:00.000Z');
    raw
      .prepare('INSERT INTO api_keys (id, hash, prefix, name, created_at) VALUES (?, ?, ?, ?, ?)')
      .run('key_old', hashSecret('gw-old-secret'), 'gw-old-se…', 'old', '2025-01-01T00:00:00.000Z');
    raw
      .prepare('INSERT INTO usage (ts, request_id, key_id, tokens_in, tokens_out, cost, status) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('2025-01-02T00:00:00.000Z', 'r-old', 'key_old', 3, 4, 0.25, 200);
    raw.prepare('INSERT INTO audit (ts, actor, action, target) VALUES (?, ?, ?, ?)').run('2025-01-01T00:00:00.000Z', 'admin', 'key.create', 'key_old');
    raw.close();

    const db = openSqliteDb({ path: file });
    assert.equal((await db.findKeyByHash(hashSecret('gw-old-secret')))!.id, 'key_old');
    const { record } = await db.createKey({ name: 'new' });
    assert.deepEqual(
      (await db.listKeys()).data.map((k) => k.id),
      ['key_old', record.id],
    );
    db.recordUsage({
      ts: '2025-01-03T00:00:00.000Z',
      request_id: 'r-new',
      key_id: 'key_old',
      user_id: null,
      team_id: null,
      model: null,
      provider: null,
      tokens_in: 1,
      tokens_out: 1,
      tokens_cached: 0,
      cost: 0.75,
      latency_ms: 1,
      status: 200,
    });
    assert.deepEqual(
      (await db.queryUsage({ group_by: 'key' })).map((r) => [r.group, r.requests, r.cost]),
      [['key_old', 2, 1]],
    );
    db.recordAudit({ actor: 'admin', action: 'key.revoke', target: 'key_old' });
    assert.deepEqual(
      (await db.queryAudit()).data.map((r) => r.action),
      ['key.revoke', 'key.create'],
    );
    await db.close();
    const after = new Database(file, { readonly: true });
    assert.equal((after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, MIGRATIONS.at(-1)!.version);
    after.close();
  });
});
