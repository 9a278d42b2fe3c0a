/**
 * The auth plugin while the key database is away logs the outage at a bounded rate: one
 * line when lookups start failing (never the key), one when they work again, however
 * many requests are refused or served from the stale cache meanwhile.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import auth from '../../../src/plugins-builtin/auth/index.ts';
import type { GatewayDb } from '../../../src/engine/stores/db/types.ts';
import { openSqliteDb } from '../../../src/engine/stores/db/sqlite.ts';
import { cleanup, fakeCtx, fakeEnv, outcome } from './fake.ts';

describe('auth: key-store outage logs', () => {
  it('300 lookups against a database that is down: one line, then one when it is back', async () => {
    const real = openSqliteDb({ path: ':memory:' });
    let down = false;
    const db: GatewayDb = Object.create(real);
    db.findKeyByHash = async (hash) => {
      if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return real.findKeyByHash(hash);
    };
    db.close = () => real.close();
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const env = { ...fakeEnv('memory', { db }), logger };
    const p = await auth.create({ cache_ttl_ms: 0, cache_size: 10, static_only: false, stale_if_error_ms: 0 }, env);
    const { secret } = await db.createKey({ name: 'k' });

    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: secret }))), 'ok');
    down = true;
    for (let i = 0; i < 300; i++) assert.equal(await outcome(p.onRequest!(fakeCtx({ key: secret }))), 'GW_ERR_STORE_UNAVAILABLE');
    down = false;
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: secret }))), 'ok');
    await new Promise((r) => setImmediate(r));

    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; err?: string; failures_total?: number });
    assert.deepEqual(
      parsed.map((l) => l.msg),
      ['auth key store unreachable; keys verified recently still answer, others get 503', 'auth key store reachable again'],
    );
    assert.equal(parsed[0]!.err, 'database unreachable (ECONNREFUSED)', 'a fixed phrase and a code, never the connection string');
    assert.equal(parsed[1]!.failures_total, 300);
    assert.ok(!lines.join('').includes(secret));
    await p.close!();
    await cleanup(env);
  });
});
