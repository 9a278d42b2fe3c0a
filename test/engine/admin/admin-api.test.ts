/**
 * The admin API over HTTP: every PATCH is a JSON merge patch (RFC 7386), malformed input
 * gets a 400 naming the problem (never a 5xx), and a flood of failed authentications
 * leaves a bounded audit trail whose counts stay exact.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { admin, adminHeaders, identityConfig } from '../../integration/limits/helpers.ts';
import { anything, bodyText, chatBody, mutated } from '../../integration/robustness/arbitraries.ts';

describe('admin API: merge-patch updates and bad input', function () {
  this.timeout(60_000);
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(identityConfig(), { captureLogs: true });
  });
  after(async () => {
    await gw.stop();
  });

  const patch = (path: string, body: unknown) => admin(gw.url, 'PATCH', path, body);
  const get = async (path: string) => (await admin(gw.url, 'GET', path)).json;

  it('PATCH /keys/:id merges: limits keep tpm and concurrency, null deletes, arrays replace', async () => {
    const k = await admin(gw.url, 'POST', '/keys', {
      name: 'merge',
      permissions: { models: ['a', 'b'], endpoints: ['chat'] },
      limits: { rpm: 5, tpm: 100, concurrency: 2 },
      budget: { limit: 10, period: 'daily', soft: 0.8 },
      metadata: { env: 'prod', owner: { name: 'ann', desk: 3 } },
      expires_at: '2099-01-01T00:00:00.000Z',
    });
    assert.equal(k.status, 201);
    const id = k.json.id;

    const r1 = await patch(`/keys/${id}`, { limits: { rpm: 100 } });
    assert.equal(r1.status, 200, JSON.stringify(r1.json));
    assert.deepEqual(r1.json.limits, { rpm: 100, tpm: 100, concurrency: 2 });
    assert.deepEqual((await get(`/keys/${id}`)).limits, { rpm: 100, tpm: 100, concurrency: 2 }, 'stored, not only answered');

    const r2 = await patch(`/keys/${id}`, { limits: { tpm: null }, metadata: { owner: { desk: null } }, permissions: { models: ['c'] } });
    assert.equal(r2.status, 200, JSON.stringify(r2.json));
    assert.deepEqual(r2.json.limits, { rpm: 100, concurrency: 2 });
    assert.deepEqual(r2.json.metadata, { env: 'prod', owner: { name: 'ann' } });
    assert.deepEqual(r2.json.permissions, { models: ['c'], endpoints: ['chat'] }, 'the array replaced, the object merged');
    assert.deepEqual(r2.json.budget, { limit: 10, period: 'daily', soft: 0.8 });
    assert.equal(r2.json.name, 'merge');

    const r3 = await patch(`/keys/${id}`, { budget: { soft: null }, expires_at: null, name: null });
    assert.equal(r3.status, 200, JSON.stringify(r3.json));
    assert.deepEqual(r3.json.budget, { limit: 10, period: 'daily' });
    assert.equal(r3.json.expires_at, null);
    assert.equal(r3.json.name, null);

    const r4 = await patch(`/keys/${id}`, { budget: null });
    assert.equal(r4.json.budget, null);
    assert.deepEqual(r4.json.limits, { rpm: 100, concurrency: 2 });
  });

  it('a patch that makes the record invalid is refused, naming the field, and nothing is stored', async () => {
    const id = (await admin(gw.url, 'POST', '/keys', { limits: { rpm: 5, tpm: 100 } })).json.id;
    for (const [body, param] of [
      [{ limits: { rpm: -1 } }, 'limits.rpm'],
      [{ limits: { burst: 3 } }, 'limits.burst'],
      [{ limits: [1] }, 'limits'],
      [{ budget: { soft: 0.5 } }, 'budget.limit'],
      [{ user_id: 'user_nope' }, 'user_id'],
      [[], '(body)'],
    ] as const) {
      const r = await patch(`/keys/${id}`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.code, 'invalid_request');
      assert.equal(r.json.error.param, param, JSON.stringify(r.json));
    }
    assert.deepEqual((await get(`/keys/${id}`)).limits, { rpm: 5, tpm: 100 });
    assert.equal((await patch('/keys/key_nope', { name: 'x' })).status, 404);
  });

  it('PATCH /users/:id and /teams/:id merge too; a team keeps its name; team_id "" is a 400', async () => {
    const team = (await admin(gw.url, 'POST', '/teams', { name: 'red', budget: { limit: 50, period: 'monthly' }, metadata: { a: 1, b: 2 } })).json;
    const t1 = await patch(`/teams/${team.id}`, { budget: { soft: 0.5 }, metadata: { a: null } });
    assert.equal(t1.status, 200, JSON.stringify(t1.json));
    assert.deepEqual(t1.json.budget, { limit: 50, period: 'monthly', soft: 0.5 });
    assert.deepEqual(t1.json.metadata, { b: 2 });
    assert.equal(t1.json.name, 'red');
    const noName = await patch(`/teams/${team.id}`, { name: null });
    assert.equal(noName.status, 400);
    assert.equal(noName.json.error.param, 'name');
    assert.equal((await get(`/teams/${team.id}`)).name, 'red');

    const user = (await admin(gw.url, 'POST', '/users', { email: 'a@b.c', name: 'Ann', team_id: team.id, metadata: { x: { y: 1, z: 2 } } })).json;
    const u1 = await patch(`/users/${user.id}`, { metadata: { x: { y: null } }, name: 'Anne' });
    assert.equal(u1.status, 200, JSON.stringify(u1.json));
    assert.deepEqual(u1.json.metadata, { x: { z: 2 } });
    assert.equal(u1.json.email, 'a@b.c');
    assert.equal(u1.json.team_id, team.id);
    const u2 = await patch(`/users/${user.id}`, { team_id: null, email: null });
    assert.equal(u2.json.team_id, null);
    assert.equal(u2.json.email, null);
    assert.equal(u2.json.name, 'Anne');
    for (const [method, path] of [
      ['POST', '/users'],
      ['PATCH', `/users/${user.id}`],
    ] as const) {
      const r = await admin(gw.url, method, path, { team_id: '' });
      assert.equal(r.status, 400, `${method} ${path}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.param, 'team_id');
    }
    const id = await patch(`/users/${user.id}`, { id: 'other' });
    assert.equal(id.status, 400);
    assert.equal(id.json.error.param, 'id');
  });

  it('a date Date cannot read (a leap second) is a 400 naming the field, in bodies and queries', async () => {
    const leap = '2016-12-31T23:59:60Z';
    const k = await admin(gw.url, 'POST', '/keys', { expires_at: leap });
    assert.equal(k.status, 400, JSON.stringify(k.json));
    assert.equal(k.json.error.param, 'expires_at');
    for (const q of [`/audit?from=${leap}`, `/usage?to=${leap}`, `/spend?from=${leap}`]) {
      const r = await admin(gw.url, 'GET', q);
      assert.equal(r.status, 400, `${q}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.param, q.includes('from') ? 'from' : 'to');
    }
  });

  it('a malformed %-escape in an admin path is a 400 invalid_request, not "invalid JSON"', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const r = await fetch(`${gw.url}/admin/keys/%E0%A4%A`, {
        method,
        headers: { ...adminHeaders, 'content-type': 'application/json' },
        body: method === 'PATCH' ? '{}' : undefined,
      });
      const body = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(r.status, 400, method);
      assert.equal(body.error.code, 'invalid_request');
      assert.match(body.error.message, /%-escape/);
    }
  });

  it('a body nested 10,000 deep is a 400, not a stack overflow', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    for (const [method, path] of [
      ['POST', '/keys'],
      ['POST', '/route/explain'],
    ]) {
      const r = await fetch(`${gw.url}/admin${path}`, {
        method,
        headers: { ...adminHeaders, 'content-type': 'application/json' },
        body: `{"metadata":${deep},"body":${deep}}`,
      });
      const body = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(r.status, 400, path);
      assert.equal(body.error.code, 'invalid_request');
      assert.match(body.error.message, /nests deeper than 128/);
    }
  });

  it('a body express cannot read (charset, content-encoding) is a 4xx, not a 500', async () => {
    for (const [headers, status] of [
      [{ 'content-type': 'application/json; charset=latin9' }, 415],
      [{ 'content-type': 'application/json', 'content-encoding': 'zstd-nope' }, 415],
      [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400],
    ] as const) {
      const r = await fetch(`${gw.url}/admin/keys`, { method: 'POST', headers: { ...adminHeaders, ...headers }, body: '{"name":"x"}' });
      const body = (await r.json()) as { error: { code: string } };
      assert.equal(r.status, status, `${JSON.stringify(headers)}: ${JSON.stringify(body)}`);
    }
  });

  it('POST /admin/route/explain with messages: [null] is a 400 naming messages[0]', async () => {
    const flat = await admin(gw.url, 'POST', '/route/explain', { model: 'mock-gpt', messages: [null] });
    assert.equal(flat.status, 400, JSON.stringify(flat.json));
    assert.equal(flat.json.error.param, 'messages[0]');
    const wrapped = await admin(gw.url, 'POST', '/route/explain', { body: { model: 'mock-gpt', messages: [{ role: 'user', content: [null] }, null] } });
    assert.equal(wrapped.status, 400, JSON.stringify(wrapped.json));
    assert.equal(wrapped.json.error.param, 'body.messages[1]');
    const ok = await admin(gw.url, 'POST', '/route/explain', {
      model: 'mock-gpt',
      messages: [{ role: 'user', content: [null, { type: 'text', text: 'hi' }] }],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.choice.model, 'mock-gpt');
  });

  it('nothing above logged an unhandled error', () => {
    assert.deepEqual(
      gw.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 300)),
      [],
    );
  });
});

describe('admin API: a flood of failed authentications', function () {
  this.timeout(120_000);
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(identityConfig(), { captureLogs: true });
  });
  after(async () => {
    await gw.stop();
  });

  it('3,000 bad requests with a 15 KB path: a few short audit rows, log lines bounded, the count exact', async () => {
    const path = `/admin/keys/${'x'.repeat(15_000)}`;
    const FLOOD = 3000;
    let next = 0;
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (next < FLOOD) {
        next++;
        const r = await fetch(gw.url + path, { headers: next % 2 ? { authorization: 'Bearer wrong-key' } : {} });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.deepEqual([...statuses], [[401, FLOOD]]);

    const rows = (await admin(gw.url, 'GET', '/audit?action=admin.auth_failed&limit=500')).json.data as Array<{
      target: string;
      details: { count: number; aggregated?: boolean; ip: string };
    }>;
    assert.ok(rows.length >= 2 && rows.length <= 4, `${rows.length} rows`);
    assert.equal(
      rows.reduce((n, r) => n + r.details.count, 0),
      FLOOD,
    );
    assert.ok(rows.some((r) => r.details.aggregated === true));
    for (const r of rows) assert.ok(r.target.length <= 256, `a target of ${r.target.length} chars`);
    const bytes = JSON.stringify(rows).length;
    assert.ok(bytes < 1500, `${bytes} bytes of audit rows`);
    const lines = gw.logs.filter((l) => l.includes('admin authentication failed'));
    assert.ok(lines.length >= 2 && lines.length <= 4, `${lines.length} log lines`);
    assert.ok(lines.every((l) => l.length < 1024));

    // Reading the audit log again adds nothing: the pending count was written once.
    const again = (await admin(gw.url, 'GET', '/audit?action=admin.auth_failed&limit=500')).json.data as unknown[];
    assert.equal(again.length, rows.length);
  });
});

describe('admin API: any JSON body', function () {
  this.timeout(120_000);
  let gw: TestGateway;
  let ids: { key: string; user: string; team: string };
  before(async () => {
    gw = await startTestGateway(identityConfig(), { captureLogs: true });
    const team = (await admin(gw.url, 'POST', '/teams', { name: 'fuzz' })).json.id;
    const user = (await admin(gw.url, 'POST', '/users', { email: 'f@u.zz', team_id: team })).json.id;
    const key = (await admin(gw.url, 'POST', '/keys', { user_id: user, team_id: team, limits: { rpm: 5 } })).json.id;
    ids = { key, user, team };
  });
  after(async () => {
    await gw.stop();
  });

  const keyBody = fc.record({
    name: fc.string(),
    user_id: fc.constantFrom('user_nope', ''),
    permissions: fc.record({ models: fc.array(fc.constantFrom('mock-gpt', '*', 'gpt-*')), endpoints: fc.constant(['chat']) }),
    limits: fc.record({ rpm: fc.integer({ min: 1, max: 100 }), tpm: fc.integer({ min: 1, max: 1000 }), concurrency: fc.integer({ min: 1, max: 5 }) }),
    budget: fc.record({ limit: fc.integer({ min: 0, max: 10 }), period: fc.constantFrom('daily', 'monthly') }),
    metadata: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    expires_at: fc.constantFrom('2099-01-01T00:00:00Z', 'tomorrow'),
  });
  const keyPaths = [
    'name',
    'user_id',
    'team_id',
    'permissions',
    'permissions.models',
    'permissions.models.-',
    'limits',
    'limits.rpm',
    'limits.tpm',
    'budget',
    'budget.limit',
    'metadata',
    'metadata.x',
    'expires_at',
    'id',
    'grace_seconds',
    'extra',
  ];
  const personBody = fc.record({
    name: fc.string(),
    email: fc.string(),
    team_id: fc.constantFrom('team_nope', ''),
    budget: fc.record({ limit: fc.integer({ min: 0, max: 10 }) }),
    metadata: fc.object(),
  });
  const personPaths = ['name', 'email', 'team_id', 'id', 'budget', 'budget.limit', 'budget.period', 'metadata', 'metadata.a', 'extra'];

  // Paths name :key, :user and :team, filled in once the records exist.
  const cases: Array<[string, string, fc.Arbitrary<unknown>]> = [
    ['POST', '/keys', mutated(keyBody, keyPaths)],
    ['PATCH', '/keys/:key', mutated(keyBody, keyPaths)],
    ['POST', '/keys/:key/rotate', mutated(fc.record({ grace_seconds: fc.integer({ min: 0, max: 100 }) }), ['grace_seconds', 'extra'])],
    ['POST', '/users', mutated(personBody, personPaths)],
    ['PATCH', '/users/:user', mutated(personBody, personPaths)],
    ['POST', '/teams', mutated(personBody, personPaths)],
    ['PATCH', '/teams/:team', mutated(personBody, personPaths)],
    ['POST', '/route/explain', fc.oneof(chatBody, fc.record({ body: chatBody, endpoint: anything, principal: anything, headers: anything }))],
  ];
  for (const [method, template, arb] of cases) {
    const path = () => template.replace(/:(key|user|team)/, (_m, k: keyof typeof ids) => ids[k]);
    it(`${method} ${template}: never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, async (body) => {
          const r = await fetch(`${gw.url}/admin${path()}`, {
            method,
            headers: { ...adminHeaders, 'content-type': 'application/json' },
            body: bodyText(body),
            signal: AbortSignal.timeout(10_000),
          });
          const text = await r.text();
          assert.ok(r.status < 500, `${r.status} ${text.slice(0, 300)} for ${bodyText(body).slice(0, 300)}`);
        }),
        { numRuns: Number(process.env.ROBUSTNESS_RUNS ?? 60), endOnFailure: true },
      );
    });
  }

  it('nothing above logged an unhandled error', () => {
    assert.deepEqual(
      gw.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 300)),
      [],
    );
  });
});
