/**
 * PostgreSQL only: replicas migrating together, key changes heard by every replica
 * (LISTEN/NOTIFY, and a re-sync after the listener reconnects), connections the server
 * drops, and start-up errors that never show the URL's password.
 */
import assert from 'node:assert/strict';
import { openPostgresDb } from '../../../../src/engine/stores/db/postgres.ts';
import { onKeyChange } from '../../../../src/engine/stores/db/changes.ts';
import { createMemoryStateStore } from '../../../../src/engine/stores/memory-state.ts';
import { MIGRATIONS } from '../../../../src/engine/stores/db/migrations.ts';
import type { GatewayDb } from '../../../../src/engine/stores/db/types.ts';
import { createTestDatabase, type TestDatabase } from './pg.ts';

/** Resolves with the first key-change id `match` accepts, or rejects after `ms`. */
async function nextChange(match: (id: string) => boolean, ms = 2000): Promise<{ id: string; at: number }> {
  const state = createMemoryStateStore('t:');
  let stop: (() => Promise<void>) | undefined;
  try {
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no key change heard')), ms);
      void onKeyChange(state, (id) => {
        if (!match(id)) return;
        clearTimeout(t);
        resolve({ id, at: performance.now() });
      }).then((s) => (stop = s));
    });
  } finally {
    await stop?.();
  }
}

describe('identity db (PostgreSQL)', function () {
  this.timeout(20_000);
  let tdb: TestDatabase;
  const open: GatewayDb[] = [];
  before(async () => {
    tdb = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  after(() => tdb.drop());

  it('five replicas starting together migrate once (advisory lock)', async () => {
    const fresh = await createTestDatabase();
    try {
      const dbs = await Promise.all(Array.from({ length: 5 }, () => openPostgresDb({ url: fresh.url, pool: { max: 2 } })));
      const rows = await fresh.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
      const { record } = await dbs[0]!.createKey({ name: 'shared' });
      assert.equal((await dbs[4]!.getKey(record.id))!.name, 'shared', 'one database behind all of them');
      await Promise.all(dbs.map((d) => d.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('a key revoked, updated or rotated on one replica is announced to the others', async () => {
    const a = await openPostgresDb({ url: tdb.url });
    const b = await openPostgresDb({ url: tdb.url });
    open.push(a, b);
    const { record } = await a.createKey({ name: 'k' });
    for (const [what, change] of [
      ['update', () => b.updateKey(record.id, { name: 'k2' })],
      ['rotate', () => b.rotateKey(record.id, 60)],
      ['revoke', () => b.revokeKey(record.id)],
    ] as const) {
      const heard = nextChange((id) => id === record.id);
      const t0 = performance.now();
      await change();
      const { at } = await heard;
      assert.ok(at - t0 < 1000, `${what} heard after ${at - t0} ms`);
    }
    const team = await a.createTeam({ name: 't' });
    const heard = nextChange((id) => id === `team:${team.id}`);
    await b.updateTeam(team.id, { budget: { limit: 1 } });
    await heard;
  });

  it('after its listener connection is cut, a replica reconnects and drops every cached key (*)', async () => {
    const db = await openPostgresDb({ url: tdb.url });
    open.push(db);
    const resync = nextChange((id) => id === '*', 5000);
    await tdb.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`, [tdb.name]);
    await resync;
    assert.equal((await db.health()).status, 'ok');
    // And it hears changes again.
    const { record } = await db.createKey({});
    const heard = nextChange((id) => id === record.id);
    await db.revokeKey(record.id);
    await heard;
  });

  it('survives the server dropping its pooled connections (the next query reconnects)', async () => {
    const db = await openPostgresDb({ url: tdb.url });
    open.push(db);
    const { record } = await db.createKey({ name: 'x' });
    await tdb.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [tdb.name]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await db.getKey(record.id))!.name, 'x');
  });

  it('start-up: an unreachable server fails within its bound; an error never shows the password', async () => {
    const t0 = Date.now();
    await assert.rejects(openPostgresDb({ url: 'postgres://gw:hunter2-secret@127.0.0.1:1/x', startupTimeoutMs: 600 }), (err: Error) => {
      assert.match(err.message, /stores\.db \(postgres\): cannot start: database unreachable \(ECONNREFUSED\)/);
      return true;
    });
    assert.ok(Date.now() - t0 < 3000);
    await assert.rejects(openPostgresDb({ url: `postgres://postgres:hunter2-secret@127.0.0.1:5432/${tdb.name}_missing` }), (err: Error) => {
      assert.match(err.message, /does not exist/);
      assert.ok(!err.message.includes('hunter2'), err.message);
      return true;
    });
  });
});
