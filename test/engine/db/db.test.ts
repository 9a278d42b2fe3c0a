import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteDb } from '../../../src/engine/stores/db/sqlite.ts';
import { migrate, MIGRATIONS } from '../../../src/engine/stores/db/migrations.ts';
import { hashSecret } from '../../../src/engine/stores/db/secrets.ts';
import type { UsageRow } from '../../../src/engine/stores/db/types.ts';

const usage = (over: Partial<UsageRow> = {}): UsageRow => ({
  ts: '2025-03-14T10:00:00.000Z',
  request_id: 'r',
  key_id: 'k1',
  user_id: 'u1',
  team_id: null,
  model: 'm',
  provider: 'p',
  tokens_in: 1,
  tokens_out: 2,
  tokens_cached: 0,
  cost: 0.5,
  latency_ms: 3,
  status: 200,
  ...over,
});

describe('identity db (SQLite)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-db-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the folder, runs migrations once, and records them', async () => {
    const file = path.join(dir, 'nested', 'gw.db');
    const db = openSqliteDb({ path: file });
    await db.close();
    const raw = new Database(file);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations').all(), [{ version: MIGRATIONS.at(-1)!.version }]);
    assert.equal(migrate(raw), MIGRATIONS.at(-1)!.version, 'a second run changes nothing');
    assert.equal((raw.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n, MIGRATIONS.length);
    raw.close();
  });

  it('stores keys by sha256 hash with a visible prefix, never the secret', async () => {
    const file = path.join(dir, 'keys.db');
    const db = openSqliteDb({ path: file });
    const { record, secret } = await db.createKey({ name: 'a', permissions: { models: ['m'] }, limits: { rpm: 5 }, budget: { limit: 2 } });
    assert.equal(record.prefix, secret.slice(0, 9) + '…');
    assert.equal((await db.findKeyByHash(hashSecret(secret)))!.id, record.id);
    assert.deepEqual((await db.getKey(record.id))!.limits, { rpm: 5 });
    await db.close();
    const raw = new Database(file, { readonly: true });
    const dump = JSON.stringify(raw.prepare('SELECT * FROM api_keys').all());
    assert.ok(!dump.includes(secret) && dump.includes(hashSecret(secret)));
    raw.close();
  });

  it('rotates (new key, old one in grace or revoked), revokes, updates, paginates', async () => {
    const db = openSqliteDb({ path: ':memory:' });
    const a = await db.createKey({ name: 'a', limits: { rpm: 1 } });
    const rot = (await db.rotateKey(a.record.id, 30))!;
    assert.equal(rot.record.rotated_from, a.record.id);
    assert.deepEqual(rot.record.limits, { rpm: 1 });
    assert.ok(Date.parse(rot.old.grace_until!) > Date.now() + 25_000);
    assert.equal(rot.old.revoked_at, null);
    const rot2 = (await db.rotateKey(rot.record.id, 0))!;
    assert.ok(rot2.old.revoked_at);
    assert.equal((await db.updateKey(rot2.record.id, { name: 'b', budget: null }))!.name, 'b');
    assert.equal(await db.updateKey('key_none', { name: 'x' }), undefined);
    assert.equal(await db.revokeKey('key_none'), undefined);
    for (let i = 0; i < 5; i++) await db.createKey({});
    const p1 = await db.listKeys({ limit: 4 });
    const p2 = await db.listKeys({ limit: 4, cursor: p1.next_cursor! });
    assert.equal(p1.data.length, 4);
    assert.equal(p2.data.length, 4);
    assert.equal(p2.next_cursor, null);
    assert.equal(new Set([...p1.data, ...p2.data].map((k) => k.id)).size, 8);
    await db.close();
  });

  it('users and teams: budgets ride on the key lookup; deleting a team unlinks its keys', async () => {
    const db = openSqliteDb({ path: ':memory:' });
    const team = await db.createTeam({ name: 't', budget: { limit: 7 } });
    const user = await db.createUser({ email: 'a@b', team_id: team.id, budget: { limit: 3, period: 'daily' } });
    const { secret, record } = await db.createKey({ user_id: user.id, team_id: team.id });
    const found = (await db.findKeyByHash(hashSecret(secret)))!;
    assert.deepEqual(found.user_budget, { limit: 3, period: 'daily' });
    assert.deepEqual(found.team_budget, { limit: 7 });
    assert.equal(await db.deleteTeam(team.id), true);
    assert.equal((await db.getKey(record.id))!.team_id, null);
    assert.equal((await db.getUser(user.id))!.team_id, null);
    assert.equal(await db.deleteTeam(team.id), false);
    await db.close();
  });

  it('batches usage writes: nothing on disk until the flush interval, then one transaction', async () => {
    const file = path.join(dir, 'usage.db');
    const db = openSqliteDb({ path: file, flushMs: 100 });
    const reader = new Database(file, { readonly: true });
    const count = () => (reader.prepare('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n;
    for (let i = 0; i < 10; i++) db.recordUsage(usage({ request_id: `r${i}` }));
    assert.equal(count(), 0);
    await new Promise((r) => setTimeout(r, 160));
    assert.equal(count(), 10);
    reader.close();
    await db.close();
  });

  it('groups usage by key/user/model/day with date filters', async () => {
    const db = openSqliteDb({ path: ':memory:' });
    db.recordUsage(usage());
    db.recordUsage(usage({ key_id: 'k2', model: 'n', cost: 1, ts: '2025-03-15T01:00:00.000Z' }));
    db.recordUsage(usage({ ts: '2025-03-15T02:00:00.000Z' }));
    assert.deepEqual(
      (await db.queryUsage({ group_by: 'day' })).map((r) => [r.group, r.requests, r.cost]),
      [
        ['2025-03-15', 2, 1.5],
        ['2025-03-14', 1, 0.5],
      ],
    );
    assert.deepEqual(
      (await db.queryUsage({ group_by: 'key', from: '2025-03-15T00:00:00.000Z' })).map((r) => [r.group, r.tokens_out]),
      [
        ['k2', 2],
        ['k1', 2],
      ],
    );
    assert.deepEqual(
      (await db.queryUsage({ group_by: 'model', key_id: 'k1' })).map((r) => [r.group, r.requests]),
      [['m', 2]],
    );
    await db.close();
  });

  it('audit rows: newest first, filtered, cursor pages', async () => {
    const db = openSqliteDb({ path: ':memory:' });
    for (let i = 0; i < 5; i++) db.recordAudit({ actor: 'admin', action: i % 2 ? 'key.revoke' : 'key.create', target: `k${i}`, details: { i } });
    const p1 = await db.queryAudit({ action: 'key.create', limit: 2 });
    assert.deepEqual(
      p1.data.map((r) => r.target),
      ['k4', 'k2'],
    );
    const p2 = await db.queryAudit({ action: 'key.create', limit: 2, cursor: p1.next_cursor! });
    assert.deepEqual(
      p2.data.map((r) => r.target),
      ['k0'],
    );
    assert.equal(p2.next_cursor, null);
    assert.deepEqual(p2.data[0]!.details, { i: 0 });
    await db.close();
  });
});
