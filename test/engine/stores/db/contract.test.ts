/**
 * The identity database contract, run unchanged against SQLite and PostgreSQL: keys,
 * users, teams, usage, audit, migrations, idempotent batches and retention. A behaviour
 * one backend has and the other lacks fails here.
 */
import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../../../src/engine/stores/db/migrations.ts';
import { hashSecret } from '../../../../src/engine/stores/db/secrets.ts';
import { usageRepo } from '../../../../src/engine/stores/db/usage-repo.ts';
import { purgeOnce } from '../../../../src/engine/stores/db/retention.ts';
import type { UsageRow } from '../../../../src/engine/stores/db/types.ts';
import { BACKENDS } from './backends.ts';

export const usage = (over: Partial<UsageRow> = {}): UsageRow => ({
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

for (const backend of BACKENDS) {
  describe(`identity db contract (${backend.name})`, function () {
    this.timeout(15_000);
    before(() => backend.before());
    after(() => backend.after());

    it('migrates to the latest version once and records every migration', async () => {
      const db = await backend.open();
      await db.close();
      const again = await backend.open(); // a second start changes nothing
      await again.close();
      const versions = (await backend.rows('schema_migrations')).map((r) => Number(r.version)).sort();
      assert.deepEqual(
        versions,
        MIGRATIONS.map((m) => m.version),
      );
      assert.equal(again.kind, backend.name === 'SQLite' ? 'sqlite' : 'postgres');
    });

    it('stores keys by sha256 hash with a visible prefix, never the secret', async () => {
      const db = await backend.open();
      const { record, secret } = await db.createKey({ name: 'a', permissions: { models: ['m'] }, limits: { rpm: 5 }, budget: { limit: 2 } });
      assert.equal(record.prefix, secret.slice(0, 9) + '…');
      assert.equal((await db.findKeyByHash(hashSecret(secret)))!.id, record.id);
      assert.equal(await db.findKeyByHash(hashSecret(secret + 'x')), undefined);
      assert.deepEqual((await db.getKey(record.id))!.limits, { rpm: 5 });
      assert.deepEqual(record.budget, { limit: 2 });
      assert.deepEqual(record.permissions, { models: ['m'] });
      const dump = JSON.stringify(await backend.rows('api_keys'));
      assert.ok(!dump.includes(secret) && dump.includes(hashSecret(secret)));
      assert.ok(!('hash' in record), 'the hash never leaves the database');
      await db.close();
    });

    it('rotates (new key, old one in grace or revoked), revokes, updates, paginates', async () => {
      const db = await backend.open();
      const a = await db.createKey({ name: 'a', limits: { rpm: 1 }, metadata: { env: 'ci' } });
      const rot = (await db.rotateKey(a.record.id, 30))!;
      assert.equal(rot.record.rotated_from, a.record.id);
      assert.deepEqual(rot.record.limits, { rpm: 1 });
      assert.deepEqual(rot.record.metadata, { env: 'ci' });
      assert.equal(rot.record.name, 'a');
      assert.ok(Date.parse(rot.old.grace_until!) > Date.now() + 25_000);
      assert.equal(rot.old.revoked_at, null);
      const rot2 = (await db.rotateKey(rot.record.id, 0))!;
      assert.ok(rot2.old.revoked_at);
      assert.equal(await db.rotateKey('key_none', 0), undefined);
      assert.equal((await db.updateKey(rot2.record.id, { name: 'b', budget: null }))!.name, 'b');
      assert.equal((await db.getKey(rot2.record.id))!.budget, null);
      assert.equal(await db.updateKey('key_none', { name: 'x' }), undefined);
      assert.equal(await db.revokeKey('key_none'), undefined);
      const revoked = (await db.revokeKey(a.record.id))!;
      assert.equal((await db.revokeKey(a.record.id))!.revoked_at, revoked.revoked_at, 'a second revoke keeps the first time');
      for (let i = 0; i < 5; i++) await db.createKey({});
      const p1 = await db.listKeys({ limit: 4 });
      const p2 = await db.listKeys({ limit: 4, cursor: p1.next_cursor! });
      assert.equal(p1.data.length, 4);
      assert.equal(p2.data.length, 4);
      assert.equal(p2.next_cursor, null);
      assert.equal(new Set([...p1.data, ...p2.data].map((k) => k.id)).size, 8);
      assert.equal(p1.data[0]!.id, a.record.id, 'oldest first');
      await db.close();
    });

    it('lists keys in creation order, even those made in the same millisecond', async () => {
      const db = await backend.open();
      const made: string[] = [];
      for (let i = 0; i < 30; i++) made.push((await db.createKey({})).record.id);
      const listed = (await db.listKeys({ limit: 100 })).data.map((k) => k.id);
      assert.deepEqual(listed, made);
      await db.close();
    });

    it('users and teams: budgets ride on the key lookup; deleting a team unlinks its keys; lists page', async () => {
      const db = await backend.open();
      const team = await db.createTeam({ name: 't', budget: { limit: 7 } });
      const user = await db.createUser({ email: 'a@b', team_id: team.id, budget: { limit: 3, period: 'daily' } });
      const { secret, record } = await db.createKey({ user_id: user.id, team_id: team.id });
      const found = (await db.findKeyByHash(hashSecret(secret)))!;
      assert.deepEqual(found.user_budget, { limit: 3, period: 'daily' });
      assert.deepEqual(found.team_budget, { limit: 7 });
      assert.equal((await db.listKeys({ team_id: team.id })).data.length, 1);
      assert.equal((await db.listKeys({ user_id: 'user_other' })).data.length, 0);
      assert.equal((await db.updateUser(user.id, { name: 'Ann' }))!.email, 'a@b');
      assert.equal((await db.updateTeam(team.id, { budget: { limit: 9 } }))!.name, 't');
      assert.deepEqual((await db.findKeyByHash(hashSecret(secret)))!.team_budget, { limit: 9 });
      assert.equal(await db.deleteTeam(team.id), true);
      assert.equal((await db.getKey(record.id))!.team_id, null);
      assert.equal((await db.getUser(user.id))!.team_id, null);
      assert.equal(await db.deleteTeam(team.id), false);
      for (let i = 0; i < 3; i++) await db.createUser({ id: `user_${i}`, name: `u${i}` });
      const u1 = await db.listUsers({ limit: 2 });
      const u2 = await db.listUsers({ limit: 2, cursor: u1.next_cursor! });
      assert.deepEqual([...u1.data, ...u2.data].map((u) => u.id).sort(), [user.id, 'user_0', 'user_1', 'user_2'].sort());
      assert.equal(u2.next_cursor, null);
      assert.equal(await db.deleteUser(user.id), true);
      assert.equal((await db.getKey(record.id))!.user_id, null);
      assert.equal((await db.listTeams()).data.length, 0);
      await db.close();
    });

    it('batches usage writes: nothing in the database until the flush interval, then all rows', async () => {
      const db = await backend.open({ flushMs: 150 });
      for (let i = 0; i < 10; i++) db.recordUsage(usage({ request_id: `r${i}` }));
      assert.equal((await backend.rows('usage')).length, 0);
      await new Promise((r) => setTimeout(r, 400));
      const rows = await backend.rows('usage');
      assert.equal(rows.length, 10);
      assert.equal(new Set(rows.map((r) => r.uid)).size, 10, 'each row has its own uid');
      await db.close();
    });

    it('groups usage by key/user/model/day with date filters', async () => {
      const db = await backend.open();
      db.recordUsage(usage());
      db.recordUsage(usage({ key_id: 'k2', model: 'n', cost: 1, ts: '2025-03-15T01:00:00.000Z' }));
      db.recordUsage(usage({ ts: '2025-03-15T02:00:00.000Z' }));
      assert.deepEqual(await db.queryUsage({ group_by: 'day' }), [
        { group: '2025-03-15', requests: 2, tokens_in: 2, tokens_out: 4, tokens_cached: 0, cost: 1.5 },
        { group: '2025-03-14', requests: 1, tokens_in: 1, tokens_out: 2, tokens_cached: 0, cost: 0.5 },
      ]);
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
      assert.deepEqual(
        (await db.queryUsage({ group_by: 'team', to: '2025-03-15T00:00:00.000Z' })).map((r) => [r.group, r.requests]),
        [[null, 1]],
      );
      assert.deepEqual(await db.queryUsage({ group_by: 'user', user_id: 'nobody' }), []);
      await db.close();
    });

    it('audit rows: newest first, filtered, cursor pages, stamped when recorded', async () => {
      const db = await backend.open();
      const t0 = new Date().toISOString();
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
      assert.ok(p2.data[0]!.ts >= t0);
      assert.equal(typeof p2.data[0]!.id, 'number');
      assert.deepEqual(
        (await db.queryAudit({ target: 'k1' })).data.map((r) => r.action),
        ['key.revoke'],
      );
      assert.equal((await db.queryAudit({ from: '2999-01-01T00:00:00.000Z' })).data.length, 0);
      await db.close();
    });

    it('a batch written twice (acknowledgement lost, retried) is stored once', async () => {
      const db = await backend.open();
      await db.close();
      await backend.withSql(async (sql) => {
        const rows = [0, 1, 2].map((i) => ({ ...usage({ request_id: `r${i}` }), uid: `boot.${i}` }));
        await usageRepo(sql).insert(rows);
        await usageRepo(sql).insert([...rows, { ...usage({ request_id: 'r3' }), uid: 'boot.3' }]);
      });
      assert.deepEqual((await backend.rows('usage')).map((r) => r.request_id).sort(), ['r0', 'r1', 'r2', 'r3']);
    });

    it('retention deletes usage and audit rows older than their days, and nothing else', async () => {
      const db = await backend.open();
      const now = Date.parse('2025-06-01T00:00:00.000Z');
      db.recordUsage(usage({ ts: '2025-01-01T00:00:00.000Z', request_id: 'old' }));
      db.recordUsage(usage({ ts: '2025-05-30T00:00:00.000Z', request_id: 'new' }));
      db.recordAudit({ actor: 'admin', action: 'x' });
      await db.flush();
      const deleted = await backend.withSql((sql) => purgeOnce(sql, { usage_days: 30 }, now));
      assert.deepEqual(deleted, { usage: 1, audit: 0 });
      assert.deepEqual(
        (await backend.rows('usage')).map((r) => r.request_id),
        ['new'],
      );
      assert.deepEqual(await backend.withSql((sql) => purgeOnce(sql, { audit_days: 1 }, Date.now() + 2 * 86_400_000)), { usage: 0, audit: 1 });
      await db.close();
    });

    it('health: ok with nothing buffered; close writes what waits', async () => {
      const db = await backend.open({ flushMs: 10_000 });
      assert.deepEqual(await db.health(), { status: 'ok', buffered: { usage: 0, audit: 0 } });
      db.recordUsage(usage());
      assert.deepEqual((await db.health()).buffered, { usage: 1, audit: 0 });
      await db.close();
      assert.equal((await backend.rows('usage')).length, 1);
    });
  });
}
