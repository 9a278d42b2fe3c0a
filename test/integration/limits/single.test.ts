import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { admin, chat, identityConfig } from './helpers.ts';

describe('identity on one gateway: admin keys, auth, limits, budget, audit', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(identityConfig(), { captureLogs: true });
  });
  after(async () => {
    await gw?.stop();
  });

  it('creates a key whose secret is shown once and works for chat', async () => {
    const created = await admin(gw.url, 'POST', '/keys', { name: 'svc', permissions: { models: ['mock-gpt'] } });
    assert.equal(created.status, 201);
    assert.match(created.json.secret, /^gw-[A-Za-z0-9_-]{43}$/);
    assert.equal(created.json.prefix, created.json.secret.slice(0, 9) + '…');
    const got = await admin(gw.url, 'GET', `/keys/${created.json.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.secret, undefined);
    const r = await chat(gw.url, created.json.secret);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.choices[0].message.content, 'Mock reply to: hello there');
  });

  it('401 without a key or with an unknown one, 403 outside permissions', async () => {
    const none = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, 'invalid_api_key');
    assert.equal((await chat(gw.url, 'gw-unknown-key-000000000000')).status, 401);
    const k = await admin(gw.url, 'POST', '/keys', { permissions: { models: ['other-*'] } });
    const r = await chat(gw.url, k.json.secret);
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'permission_denied');
  });

  it('revoke refuses the key at once; rotate keeps the old one for its grace period', async () => {
    const k = await admin(gw.url, 'POST', '/keys', { name: 'rot' });
    assert.equal((await chat(gw.url, k.json.secret)).status, 200);
    const rot = await admin(gw.url, 'POST', `/keys/${k.json.id}/rotate`, { grace_seconds: 60 });
    assert.equal(rot.status, 201);
    assert.notEqual(rot.json.secret, k.json.secret);
    assert.equal(rot.json.rotated_from, k.json.id);
    assert.equal((await chat(gw.url, k.json.secret)).status, 200, 'old key valid during grace');
    assert.equal((await chat(gw.url, rot.json.secret)).status, 200);
    const rev = await admin(gw.url, 'POST', `/keys/${k.json.id}/revoke`);
    assert.equal(rev.status, 200);
    assert.ok(rev.json.revoked_at);
    assert.equal((await chat(gw.url, k.json.secret)).status, 401);
    const rot0 = await admin(gw.url, 'POST', `/keys/${rot.json.id}/rotate`, {});
    assert.equal((await chat(gw.url, rot.json.secret)).status, 401, 'no grace: old key refused at once');
    assert.equal((await chat(gw.url, rot0.json.secret)).status, 200);
  });

  it('per-key rpm limit: 429 with Retry-After and OpenAI headers', async () => {
    const k = await admin(gw.url, 'POST', '/keys', { limits: { rpm: 3 } });
    const ok = await chat(gw.url, k.json.secret);
    assert.equal(ok.headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(ok.headers.get('x-ratelimit-remaining-requests'), '2');
    assert.match(ok.headers.get('x-ratelimit-reset-requests')!, /^(\d+ms|\d+s|\d+m\d+s)$/);
    await chat(gw.url, k.json.secret);
    await chat(gw.url, k.json.secret);
    const limited = await chat(gw.url, k.json.secret);
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.code, 'rate_limit_exceeded');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.headers.get('x-ratelimit-remaining-requests'), '0');
  });

  it('a key with a budget is stopped once spend is exhausted (streams counted)', async () => {
    // Pricing is $1 per token: "hello there" = 2 prompt + 5 reply tokens = $7 a request.
    const k = await admin(gw.url, 'POST', '/keys', { budget: { limit: 20, period: 'daily' } });
    for (let i = 0; i < 3; i++) {
      const r = await chat(gw.url, k.json.secret, { stream: true });
      assert.equal(r.status, 200);
    }
    await new Promise((r) => setTimeout(r, 50));
    const refused = await chat(gw.url, k.json.secret, { stream: true });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.code, 'budget_exceeded');
    const usage = await admin(gw.url, 'GET', `/usage?group_by=key&key_id=${k.json.id}`);
    assert.equal(usage.status, 200);
    assert.equal(usage.json.data.length, 1);
    assert.equal(usage.json.data[0].cost, 21);
    assert.equal(usage.json.data[0].tokens_in, 6);
  });

  it('bad admin input → 400 naming the field; unknown id → 404', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/keys', { limits: { rpm: -1 } }, 'limits.rpm'],
      ['POST', '/keys', { nope: 1 }, 'nope'],
      ['POST', '/keys', { budget: { period: 'daily' } }, 'budget.limit'],
      ['POST', '/keys', { user_id: 'user_missing' }, 'user_id'],
      ['POST', '/keys/x/rotate', { grace_seconds: 'soon' }, 'grace_seconds'],
      ['POST', '/teams', {}, 'name'],
      ['POST', '/users', { email: 5 }, 'email'],
      ['GET', '/usage?group_by=planet', undefined, 'group_by'],
      ['GET', '/audit?limit=0', undefined, 'limit'],
    ];
    for (const [m, p, body, field] of cases) {
      const r = await admin(gw.url, m, p, body);
      assert.equal(r.status, 400, `${m} ${p}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.param, field);
      assert.ok(r.json.error.message.includes(field));
    }
    const bad = await fetch(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer admin-test-key-0123456789' },
      body: '{"name":',
    });
    assert.equal(bad.status, 400);
    for (const p of ['/keys/key_nope', '/users/u_nope', '/teams/t_nope']) assert.equal((await admin(gw.url, 'GET', p)).status, 404);
    assert.equal((await admin(gw.url, 'POST', '/keys/key_nope/revoke')).status, 404);
    assert.equal((await admin(gw.url, 'PATCH', '/users/u_nope', { name: 'x' })).status, 404);
  });

  it('every admin action leaves an audit row; failed admin auth too; none holds a secret', async () => {
    const team = await admin(gw.url, 'POST', '/teams', { name: 'red', budget: { limit: 5 } });
    const user = await admin(gw.url, 'POST', '/users', { email: 'a@b.c', team_id: team.json.id });
    const key = await admin(gw.url, 'POST', '/keys', { user_id: user.json.id, team_id: team.json.id });
    await admin(gw.url, 'PATCH', `/keys/${key.json.id}`, { permissions: { models: ['mock-gpt'] } });
    await admin(gw.url, 'PATCH', `/users/${user.json.id}`, { name: 'Ann' });
    await admin(gw.url, 'PATCH', `/teams/${team.json.id}`, { name: 'blue' });
    await admin(gw.url, 'DELETE', `/users/${user.json.id}`);
    await admin(gw.url, 'DELETE', `/teams/${team.json.id}`);
    const denied = await fetch(`${gw.url}/admin/keys`, { headers: { authorization: `Bearer ${key.json.secret}` } });
    assert.equal(denied.status, 401);

    const rows = (await admin(gw.url, 'GET', '/audit?limit=500')).json.data as Array<{ action: string; target: string; actor: string }>;
    const actions = rows.map((r) => `${r.action} ${r.target ?? ''}`);
    for (const want of [
      `team.create ${team.json.id}`,
      `user.create ${user.json.id}`,
      `key.create ${key.json.id}`,
      `key.update ${key.json.id}`,
      `key.permissions ${key.json.id}`,
      `user.update ${user.json.id}`,
      `team.update ${team.json.id}`,
      `user.delete ${user.json.id}`,
      `team.delete ${team.json.id}`,
      'admin.auth_failed GET /admin/keys',
    ]) {
      assert.ok(actions.includes(want), `missing audit row: ${want}`);
    }
    assert.ok(rows.filter((r) => r.action !== 'admin.auth_failed' && r.action !== 'config.reload').every((r) => r.actor === 'admin'));
    assert.ok(!JSON.stringify(rows).includes(key.json.secret));

    const page1 = await admin(gw.url, 'GET', '/audit?limit=2&action=key.create');
    assert.equal(page1.json.data.length, 2);
    const page2 = await admin(gw.url, 'GET', `/audit?limit=2&action=key.create&cursor=${page1.json.next_cursor}`);
    assert.ok(page2.json.data[0].id < page1.json.data[1].id);
  });

  it('no admin response, log line or metric holds a secret after creation', async () => {
    const k = await admin(gw.url, 'POST', '/keys', { name: 'leak-check', limits: { rpm: 100 } });
    const secret: string = k.json.secret;
    await chat(gw.url, secret);
    await chat(gw.url, secret, { stream: true });
    await admin(gw.url, 'PATCH', `/keys/${k.json.id}`, { name: 'leak-check-2' });
    const texts = [
      JSON.stringify((await admin(gw.url, 'GET', '/keys?limit=500')).json),
      JSON.stringify((await admin(gw.url, 'GET', `/keys/${k.json.id}`)).json),
      JSON.stringify((await admin(gw.url, 'GET', '/audit?limit=500')).json),
      JSON.stringify((await admin(gw.url, 'GET', '/usage?group_by=key')).json),
      await (await fetch(`${gw.url}/metrics`)).text(),
      gw.logs.join(''),
    ];
    assert.ok(gw.logs.length > 0, 'logs were captured');
    for (const t of texts) {
      assert.ok(!t.includes(secret), 'secret leaked');
      assert.ok(!t.includes(secret.slice(12)), 'part of the secret leaked');
    }
  });
});
