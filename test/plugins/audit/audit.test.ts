import assert from 'node:assert/strict';
import audit from '../../../src/plugins-builtin/audit/index.ts';
import { recordConfigReload } from '../../../src/engine/stores/db/index.ts';
import { cleanup, fakeCtx, fakeEnv } from '../auth/fake.ts';

describe('audit plugin', () => {
  it('writes one usage row per request in onDone, batched', async () => {
    const env = fakeEnv('memory');
    const p = await audit.create({ failed_requests: true }, env);
    const ctx = fakeCtx();
    ctx.principal = { keyId: 'k1', keyPrefix: 'gw-x…', userId: 'u1', teamId: 't1' };
    ctx.usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 1 } };
    ctx.cost = 0.25;
    ctx.status = 200;
    p.onDone!(ctx);
    const failed = fakeCtx();
    failed.status = 502;
    p.onDone!(failed);
    const rows = await env.db.queryUsage({ group_by: 'key' });
    assert.deepEqual(
      rows.find((r) => r.group === 'k1'),
      { group: 'k1', requests: 1, tokens_in: 3, tokens_out: 4, tokens_cached: 1, cost: 0.25 },
    );
    assert.equal(rows.find((r) => r.group === null)!.requests, 1);
    await cleanup(env);
  });

  it('skips failed requests when failed_requests is false', async () => {
    const env = fakeEnv('memory');
    const p = await audit.create({ failed_requests: false }, env);
    const ctx = fakeCtx();
    ctx.status = 429;
    p.onDone!(ctx);
    assert.deepEqual(await env.db.queryUsage({ group_by: 'day' }), []);
    await cleanup(env);
  });

  it('recordConfigReload writes an audit row without secrets', async () => {
    const env = fakeEnv('memory');
    recordConfigReload(env.db, { generation: 2, hash: 'abc', outcome: 'failed', error: 'bad model' });
    const { data } = await env.db.queryAudit({ action: 'config.reload' });
    assert.equal(data.length, 1);
    assert.equal(data[0]!.actor, 'system');
    assert.deepEqual(data[0]!.details, { generation: 2, hash: 'abc', outcome: 'failed', error: 'bad model' });
    await cleanup(env);
  });
});
