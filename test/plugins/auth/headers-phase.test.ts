/**
 * The auth plugin in the headers phase: the key and the endpoint are judged before the
 * body exists (so the server can refuse without reading it); the model is judged in the
 * request phase with the key already verified, without a second lookup.
 */
import assert from 'node:assert/strict';
import auth, { type AuthConfig } from '../../../src/plugins-builtin/auth/index.ts';
import { cleanup, fakeCtx, fakeEnv, outcome, type FakeEnv } from './fake.ts';

const cfg: AuthConfig = { cache_ttl_ms: 5000, cache_size: 100, static_only: false };
const SECRET = 'static-secret-headers-0123456789';

describe('auth plugin: headers phase', () => {
  let env: FakeEnv;
  beforeEach(() => {
    env = fakeEnv('memory', { keys: [{ name: 'ci', key: SECRET, models: ['mock-gpt'], endpoints: ['chat'] }] });
  });
  afterEach(() => cleanup(env));

  /** A context as the server has it before reading the body: no body, no model. */
  const headersOnly = (opts: Parameters<typeof fakeCtx>[0] = {}) => {
    const c = fakeCtx(opts);
    c.body = undefined;
    return c;
  };

  it('refuses a missing or unknown key with 401 from the headers alone', async () => {
    const p = await auth.create(cfg, env);
    assert.equal(await outcome(p.onHeaders!(headersOnly())), 'GW_ERR_UNAUTHORIZED');
    assert.equal(await outcome(p.onHeaders!(headersOnly({ key: 'gw-nope' }))), 'GW_ERR_UNAUTHORIZED');
    await p.close!();
  });

  it('refuses an endpoint the key may not use with 403 from the headers alone', async () => {
    const p = await auth.create(cfg, env);
    assert.equal(await outcome(p.onHeaders!(headersOnly({ key: SECRET, endpoint: 'embeddings' }))), 'GW_ERR_FORBIDDEN');
    await p.close!();
  });

  it('sets the principal before the body, and judges the model in the request phase with one lookup', async () => {
    let lookups = 0;
    const find = env.db.findKeyByHash.bind(env.db);
    env.db.findKeyByHash = async (h) => {
      lookups++;
      return find(h);
    };
    const { secret } = await env.db.createKey({ name: 'db', permissions: { models: ['mock-gpt'] } });
    const p = await auth.create(cfg, env);
    const ok = headersOnly({ key: secret });
    assert.equal(await outcome(p.onHeaders!(ok)), 'ok');
    assert.ok(ok.principal, 'principal set in the headers phase');
    ok.body = { model: 'mock-gpt', messages: [] };
    ok.model = 'mock-gpt';
    assert.equal(await outcome(p.onRequest!(ok)), 'ok');
    const denied = headersOnly({ key: secret });
    assert.equal(await outcome(p.onHeaders!(denied)), 'ok');
    denied.model = 'gpt-4o';
    assert.equal(await outcome(p.onRequest!(denied)), 'GW_ERR_FORBIDDEN');
    assert.equal(lookups, 1, 'the request phase reused the verified key (and the cache held it)');
    await p.close!();
  });
});
