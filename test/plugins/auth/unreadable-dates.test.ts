/**
 * A key whose expiry Date cannot read (RFC 3339's leap second, `23:59:60`) fails closed:
 * refused, never "expires never". The admin API refuses such dates up front
 * (test/engine/admin/admin-api.test.ts); this covers keys that reach the plugin anyway
 * (static `keys:` in the config, rows written by an older version).
 */
import assert from 'node:assert/strict';
import auth from '../../../src/plugins-builtin/auth/index.ts';
import { cleanup, fakeCtx, fakeEnv, outcome } from './fake.ts';

describe('auth: an unreadable expiry', () => {
  it('refuses a static key and a stored key whose expires_at is a leap second', async () => {
    const leap = '2016-12-31T23:59:60Z';
    assert.ok(Number.isNaN(Date.parse(leap)), 'the premise: Date cannot read it');
    const env = fakeEnv('memory', {
      keys: [
        { name: 'leap', key: 'static-secret-leap-0123456789', expires_at: leap },
        { name: 'fine', key: 'static-secret-fine-0123456789', expires_at: '2999-01-01T00:00:00Z' },
      ],
    });
    const p = await auth.create({ cache_ttl_ms: 1000, cache_size: 10, static_only: false }, env);
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: 'static-secret-leap-0123456789' }))), 'GW_ERR_UNAUTHORIZED');
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: 'static-secret-fine-0123456789' }))), 'ok');
    const stored = await env.db.createKey({ name: 'stored-leap', expires_at: leap });
    assert.equal(await outcome(p.onRequest!(fakeCtx({ key: stored.secret }))), 'GW_ERR_UNAUTHORIZED');
    await p.close!();
    await cleanup(env);
  });
});
