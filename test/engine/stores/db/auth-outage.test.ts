/**
 * The auth plugin while the identity database is away: keys verified recently keep
 * working from the cache for `cache_ttl_ms + stale_if_error_ms`, and no longer; keys not
 * in the cache get 503 store_unavailable (never a 401 that would tell a client its valid
 * key is wrong, never a 500). A stale answer is counted.
 */
import assert from 'node:assert/strict';
import auth, { type AuthConfig } from '../../../../src/plugins-builtin/auth/index.ts';
import type { GatewayDb } from '../../../../src/engine/stores/db/types.ts';
import { openSqliteDb } from '../../../../src/engine/stores/db/sqlite.ts';
import { cleanup, fakeCtx, fakeEnv, outcome } from '../../../plugins/auth/fake.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real SQLite db whose key lookups fail like an unreachable PostgreSQL while `down` is set. */
function flakyDb(): { db: GatewayDb; lookups: () => number; down: (v: boolean) => void } {
  const real = openSqliteDb({ path: ':memory:' });
  let down = false;
  let lookups = 0;
  const db: GatewayDb = Object.create(real);
  db.findKeyByHash = async (hash) => {
    lookups++;
    if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    return real.findKeyByHash(hash);
  };
  db.close = () => real.close();
  return { db, lookups: () => lookups, down: (v) => void (down = v) };
}

describe('auth plugin while the database is unreachable', () => {
  const cfg: AuthConfig = { cache_ttl_ms: 100, cache_size: 100, static_only: false, stale_if_error_ms: 400 };

  it('serves verified keys past the TTL within the stale bound, then 503; unverified keys get 503', async () => {
    const f = flakyDb();
    const env = fakeEnv('memory', { db: f.db });
    const p = await auth.create(cfg, env);
    const a = await f.db.createKey({ name: 'a' });
    const b = await f.db.createKey({ name: 'b' });
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok'); // verified, cached
    const verifiedAt = Date.now();
    f.down(true);
    await sleep(150); // past cache_ttl_ms
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok', 'stale but within the bound');
    const afterFirstStale = f.lookups();
    for (let i = 0; i < 20; i++) assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok');
    assert.equal(f.lookups(), afterFirstStale, 'the database is not asked on every request while it is away');
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: b.secret }))), 'GW_ERR_STORE_UNAVAILABLE', 'never verified: cannot tell');
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: 'gw-unknown' }))), 'GW_ERR_STORE_UNAVAILABLE');
    await sleep(Math.max(0, verifiedAt + 100 + 400 + 50 - Date.now())); // past ttl + stale
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'GW_ERR_STORE_UNAVAILABLE', 'bounded');
    const metrics = await env.metrics.render();
    assert.match(metrics.body, /gateway_auth_stale_lookups_total \d+/);
    assert.ok(Number(/gateway_auth_stale_lookups_total (\d+)/.exec(metrics.body)![1]) >= 1);
    f.down(false);
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok', 'back to normal when the database answers');
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: b.secret }))), 'ok');
    await p.close!();
    await cleanup(env);
  });

  it('stale_if_error_ms: 0 gives no allowance: 503 as soon as the entry expires', async () => {
    const f = flakyDb();
    const env = fakeEnv('memory', { db: f.db });
    const p = await auth.create({ ...cfg, stale_if_error_ms: 0 }, env);
    const a = await f.db.createKey({});
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok');
    f.down(true);
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok', 'fresh entries need no database');
    await sleep(130);
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'GW_ERR_STORE_UNAVAILABLE');
    await p.close!();
    await cleanup(env);
  });

  it('a revoked key is not resurrected: the stale allowance applies only when the lookup fails', async () => {
    const f = flakyDb();
    const env = fakeEnv('memory', { db: f.db });
    const p = await auth.create(cfg, env);
    const a = await f.db.createKey({});
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'ok');
    await f.db.revokeKey(a.record.id);
    await sleep(130);
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: a.secret }))), 'GW_ERR_UNAUTHORIZED');
    await p.close!();
    await cleanup(env);
  });
});
