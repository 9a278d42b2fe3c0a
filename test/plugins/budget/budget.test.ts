import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import budget, { type BudgetConfig } from '../../../src/plugins-builtin/budget/index.ts';
import { periodWindow } from '../../../src/plugins-builtin/budget/periods.ts';
import { cleanup, fakeCtx, fakeEnv, outcome, type FakeEnv } from '../auth/fake.ts';

const base: BudgetConfig = { budgets: [], stored_budgets: true, on_store_error: 'open' };

/** One request for `keyId` costing `cost`: onRequest, then onDone with ctx.cost. */
async function spend(p: Awaited<ReturnType<typeof budget.create>>, keyId: string, cost: number, extra: { teamId?: string } = {}): Promise<string> {
  const ctx = fakeCtx();
  ctx.principal = {
    keyId,
    keyPrefix: 'gw-x…',
    teamId: extra.teamId,
    limits: {},
    budgets: { key: keyId === 'stored' ? { limit: 5, period: 'total' } : null, user: null, team: null },
  };
  const r = await outcome(p.onRequest!(ctx));
  if (r !== 'ok') return r;
  ctx.cost = cost;
  p.onDone!(ctx);
  await new Promise((res) => setTimeout(res, 15));
  return r;
}

for (const kind of ['memory', 'redis'] as const) {
  describe(`budget plugin (${kind})`, () => {
    let env: FakeEnv;
    let hook: http.Server;
    let posts: unknown[];
    beforeEach(async () => {
      env = fakeEnv(kind);
      if (env.state.redis && env.state.redis.status !== 'ready') await new Promise((r) => env.state.redis!.once('ready', r));
      posts = [];
      hook = http.createServer((req, res) => {
        let b = '';
        req.on('data', (d) => (b += d));
        req.on('end', () => {
          posts.push(JSON.parse(b));
          res.end('ok');
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    });
    afterEach(async () => {
      hook.close();
      await cleanup(env);
    });

    it('refuses once spend reaches the limit, and alerts once at the soft threshold', async () => {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alert`;
      const p = await budget.create({ ...base, budgets: [{ per: 'key', limit: 10, period: 'daily', soft: 0.5 }], webhook: { url, timeout_ms: 1000 } }, env);
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await spend(p, 'k1', 3));
      assert.deepEqual(results, ['ok', 'ok', 'ok', 'ok', 'GW_ERR_BUDGET_EXCEEDED']);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(posts.length, 1);
      assert.deepEqual(posts[0], {
        type: 'budget.threshold',
        scope: 'key',
        id: 'k1',
        period: periodWindow('daily').label,
        limit: 10,
        threshold: 0.5,
        spend: 6,
      });
      const alerts = await env.metrics.registry.getSingleMetricAsString('gateway_budget_alerts_total');
      assert.match(alerts, /gateway_budget_alerts_total\{scope="key"\} 1/);
      assert.equal(await spend(p, 'k2', 3), 'ok', 'another key has its own spend');
    });

    it('applies the budget stored on the key, and team budgets across keys', async () => {
      const p = await budget.create({ ...base, budgets: [{ per: 'team', limit: 4, period: 'monthly' }] }, env);
      assert.equal(await spend(p, 'stored', 6), 'ok');
      assert.equal(await spend(p, 'stored', 1), 'GW_ERR_BUDGET_EXCEEDED');
      assert.equal(await spend(p, 'a', 2, { teamId: 't1' }), 'ok');
      assert.equal(await spend(p, 'b', 2, { teamId: 't1' }), 'ok');
      assert.equal(await spend(p, 'c', 1, { teamId: 't1' }), 'GW_ERR_BUDGET_EXCEEDED');
    });
  });
}

describe('budget periods', () => {
  it('labels UTC calendar windows', () => {
    const t = Date.UTC(2025, 2, 14, 15, 0, 0); // Friday 14 March 2025
    assert.equal(periodWindow('daily', t).label, '2025-03-14');
    assert.equal(periodWindow('weekly', t).label, 'w2025-03-10');
    assert.equal(periodWindow('monthly', t).label, '2025-03');
    assert.deepEqual(periodWindow('total', t), { label: 'total' });
    assert.equal(periodWindow('daily', t).ttlMs, Date.UTC(2025, 2, 16) - t);
  });

  it('moves to the next window at the boundary, and back, though each window is computed once', () => {
    const lastMs = Date.UTC(2025, 2, 31, 23, 59, 59, 999); // Monday 31 March, the last millisecond
    const next = lastMs + 1;
    assert.deepEqual(periodWindow('daily', lastMs), { label: '2025-03-31', ttlMs: 1 + 86_400_000 });
    assert.deepEqual(periodWindow('daily', next), { label: '2025-04-01', ttlMs: 2 * 86_400_000 });
    assert.deepEqual(periodWindow('monthly', lastMs), { label: '2025-03', ttlMs: 1 + 86_400_000 });
    assert.deepEqual(periodWindow('monthly', next), { label: '2025-04', ttlMs: Date.UTC(2025, 4, 2) - next });
    assert.equal(periodWindow('weekly', Date.UTC(2025, 2, 30, 23, 59, 59, 999)).label, 'w2025-03-24');
    assert.equal(periodWindow('weekly', Date.UTC(2025, 2, 31)).label, 'w2025-03-31');
    // A clock that steps back gets the earlier window again.
    assert.equal(periodWindow('monthly', Date.UTC(2025, 1, 28, 12)).label, '2025-02');
    assert.equal(periodWindow('daily', Date.UTC(2025, 2, 14, 15)).label, '2025-03-14');
  });
});
