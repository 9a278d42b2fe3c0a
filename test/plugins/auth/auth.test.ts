import assert from 'node:assert/strict';
import auth, { type AuthConfig } from '../../../src/plugins-builtin/auth/index.ts';
import { announceKeyChange } from '../../../src/engine/stores/db/changes.ts';
import { cleanup, fakeCtx, fakeEnv, outcome, type FakeEnv } from './fake.ts';

const cfg: AuthConfig = { cache_ttl_ms: 5000, cache_size: 100, static_only: false };

for (const kind of ['memory', 'redis'] as const) {
  describe(`auth plugin (${kind} state store)`, () => {
    let env: FakeEnv;
    beforeEach(() => {
      env = fakeEnv(kind, { keys: [{ name: 'ci', key: 'static-secret-0123456789', models: ['mock-gpt'], limits: { rpm: 5 } }] });
    });
    afterEach(async () => {
      await cleanup(env);
    });

    it('accepts Bearer and x-api-key, sets the principal and the key limits', async () => {
      const team = await env.db.createTeam({ name: 't', budget: { limit: 9 } });
      const { record, secret } = await env.db.createKey({ name: 'k', team_id: team.id, limits: { tpm: 10 }, budget: { limit: 3 } });
      const p = await auth.create(cfg, env);
      const ctx = fakeCtx({ key: secret });
      assert.equal(await outcome(p.onRequest!(ctx)), 'ok');
      assert.equal(ctx.principal!.keyId, record.id);
      assert.equal(ctx.principal!.teamId, team.id);
      assert.equal(ctx.principal!.keyPrefix, secret.slice(0, 9) + '…');
      assert.deepEqual(ctx.principal!.limits, { tpm: 10 });
      assert.deepEqual(ctx.principal!.budgets!.team, { limit: 9 });
      const x = fakeCtx();
      (x.headers as Record<string, string>)['x-api-key'] = secret;
      assert.equal(await outcome(p.onRequest!(x)), 'ok');
      await p.close!();
    });

    it('401 missing/unknown/expired/revoked; 403 outside models, endpoints, providers', async () => {
      const p = await auth.create(cfg, env);
      assert.equal(await outcome(p.onRequest!(fakeCtx())), 'GW_ERR_UNAUTHORIZED');
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: 'gw-nope' }))), 'GW_ERR_UNAUTHORIZED');
      const expired = await env.db.createKey({ expires_at: new Date(Date.now() - 1000).toISOString() });
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: expired.secret }))), 'GW_ERR_UNAUTHORIZED');
      const limited = await env.db.createKey({ permissions: { models: ['gpt-*', 'mixed'], endpoints: ['chat'], providers: ['openai'] } });
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: limited.secret, model: 'gpt-4o' }))), 'ok');
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: limited.secret, model: 'mock-gpt' }))), 'GW_ERR_FORBIDDEN');
      // A group with a deployment on a permitted provider passes: the plan and dispatch
      // remove the other one (test/integration/security/routing-permissions.test.ts).
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: limited.secret, model: 'mixed' }))), 'ok', 'one deployment on a permitted provider');
      const azureOnly = await env.db.createKey({ permissions: { models: ['*'], providers: ['azure'] } });
      assert.equal(
        await outcome(p.onRequest!(fakeCtx({ key: azureOnly.secret, model: 'mixed' }))),
        'GW_ERR_FORBIDDEN',
        'no deployment on a permitted provider',
      );
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: limited.secret, model: 'gpt-4o', endpoint: 'embeddings' }))), 'GW_ERR_FORBIDDEN');
      await p.close!();
    });

    it('static keys from the config: hashed, permission-checked, id static:<name>', async () => {
      const p = await auth.create(cfg, env);
      const ctx = fakeCtx({ key: 'static-secret-0123456789' });
      assert.equal(await outcome(p.onRequest!(ctx)), 'ok');
      assert.equal(ctx.principal!.keyId, 'static:ci');
      assert.deepEqual(ctx.principal!.limits, { rpm: 5 });
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: 'static-secret-0123456789', model: 'gpt-4o' }))), 'GW_ERR_FORBIDDEN');
      await p.close!();
    });

    it('a bad static key item fails create, naming the field but not the secret', async () => {
      const bad = fakeEnv('memory', { keys: [{ name: 'x', key: 'short-secret' }] });
      await assert.rejects(Promise.resolve(auth.create(cfg, bad)), (e: Error) => e.message.startsWith('keys[0].key') && !e.message.includes('short-secret'));
      await cleanup(bad);
    });

    it('the cache is dropped when a key changes: revocation applies at once', async () => {
      const { record, secret } = await env.db.createKey({});
      const p = await auth.create({ ...cfg, cache_ttl_ms: 60_000 }, env);
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: secret }))), 'ok');
      await env.db.revokeKey(record.id);
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: secret }))), 'ok', 'cached for 60 s without a notice');
      await announceKeyChange(env.state, record.id);
      assert.equal(await outcome(p.onRequest!(fakeCtx({ key: secret }))), 'GW_ERR_UNAUTHORIZED');
      await p.close!();
    });
  });
}

describe('auth plugin: invalidation reaches another replica through Redis pub/sub', () => {
  it("a second store (other process stand-in) clears its cache on the first one's notice", async () => {
    const a = fakeEnv('redis');
    const b = fakeEnv('redis', { prefix: a.state.prefix, db: a.db });
    const { record, secret } = await a.db.createKey({});
    const pb = await auth.create({ ...cfg, cache_ttl_ms: 60_000 }, b);
    assert.equal(await outcome(pb.onRequest!(fakeCtx({ key: secret }))), 'ok');
    await a.db.revokeKey(record.id);
    await a.state.publish('auth:key-changes', record.id);
    const t0 = Date.now();
    let code = 'ok';
    while (code === 'ok' && Date.now() - t0 < 1000) {
      await new Promise((r) => setTimeout(r, 10));
      code = await outcome(pb.onRequest!(fakeCtx({ key: secret })));
    }
    assert.equal(code, 'GW_ERR_UNAUTHORIZED');
    await pb.close!();
    await b.state.close();
    await cleanup(a);
  });
});
