/**
 * The rate limiter's key layout and its Redis Cluster path: buckets tagged by their most
 * specific dimension, one script per slot, all-or-nothing kept by giving back what the
 * admitting slots took, and a limit shared by many keys exact under concurrency.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRedisLimiter, hashTagOf } from '../../../src/plugins-builtin/rate-limit/redis-limiter.ts';
import { bucketsFor, compileTemplates, type RequestBucket } from '../../../src/plugins-builtin/rate-limit/buckets.ts';
import type { BucketReq, Limiter } from '../../../src/plugins-builtin/rate-limit/limiter.ts';
import { createRedisStateStore } from '../../../src/engine/stores/redis-state.ts';
import type { StateStore } from '../../../src/engine/stores/state.ts';
import { parseNode } from '../../../src/engine/stores/redis-connect.ts';
import { redisCall, startRedisCluster, waitFor, type RedisCluster } from '../../helpers/redis-servers.ts';
import { fakeCtx, silent } from '../auth/fake.ts';

describe('rate-limit key layout', () => {
  it('opens each bucket key with a hash tag naming its most specific dimension', () => {
    const templates = compileTemplates(
      [
        { per: 'team', rpm: 5 },
        { per: ['model', 'key'], tpm: 100 },
        { per: 'model', rpm: 9 },
        { per: ['route', 'ip'], concurrency: 2 },
      ],
      'rl:p:c',
      1000,
    );
    const ctx = fakeCtx({ ip: '10.0.0.7', body: { model: 'gpt-{x}' } });
    ctx.principal = { keyId: 'k1', teamId: 't1', keyPrefix: 'gw-x…' };
    const out: RequestBucket[] = [];
    bucketsFor(ctx, templates, 10, out);
    assert.deepEqual(
      out.map((b) => b.key),
      [
        '{team:t1}rl:p:c0:rpm:team:t1',
        '{key:k1}rl:p:c1:tpm:model+key:gpt-{x}:k1',
        '{model:gpt-{x}}rl:p:c2:rpm:model:gpt-{x}',
        `{ip:10.0.0.7}rl:p:c3:concurrency:route+ip:${ctx.path}:10.0.0.7`,
      ],
    );
    // What Redis hashes: the first {…}, even when a client-chosen value holds braces.
    assert.deepEqual(
      out.map((b) => hashTagOf(b.key)),
      ['team:t1', 'key:k1', 'model:gpt-{x', 'ip:10.0.0.7'],
    );
    assert.equal(hashTagOf('{}x'), '');
    assert.equal(hashTagOf('plain'), '');
  });
});

describe('Redis limiter on a 3-node Redis Cluster', function () {
  this.timeout(30_000);
  const prefix = `test:rlcluster:${randomBytes(4).toString('hex')}:`;
  let cluster: RedisCluster;
  let state: StateStore;
  let limiter: Limiter;
  const slotOf = async (bucket: string) => Number(await redisCall(parseNode(cluster.nodes[0]!).port, 'CLUSTER', 'KEYSLOT', `${prefix}${bucket}:z`));
  const keyBucket = (k: string, limit = 2): BucketReq => ({ key: `{key:${k}}rl:t:c0:rpm:key:${k}`, limit, ttlMs: 60_000, cost: 1 });
  const teamBucket = (t: string, limit = 3): BucketReq => ({ key: `{team:${t}}rl:t:c1:rpm:team:${t}`, limit, ttlMs: 60_000, cost: 1 });
  const open = (nodes: string[]) => createRedisStateStore({ cluster: { nodes } }, prefix, silent);

  before(async () => {
    cluster = await startRedisCluster(3);
    state = open(cluster.nodes);
    await waitFor('the cluster client', async () => state.redis!.status === 'ready');
    limiter = createRedisLimiter(state);
  });
  after(async () => {
    await state?.close();
    await cluster?.stop();
  });

  it('a key and its team in two slots: refused in one, given back in the other', async () => {
    assert.notEqual(await slotOf(keyBucket('a').key), await slotOf(teamBucket('t1').key), 'the test needs two slots');
    assert.equal((await limiter.acquire('1', [keyBucket('a'), teamBucket('t1')])).failed, -1);
    assert.equal((await limiter.acquire('2', [keyBucket('a'), teamBucket('t1')])).failed, -1);
    // Key a is full: refused there; the team's slot admitted and gives its entry back.
    const byKey = await limiter.acquire('3', [keyBucket('a'), teamBucket('t1')]);
    assert.equal(byKey.failed, 0);
    assert.deepEqual(
      byKey.states.map((s) => s.used),
      [2, 2],
    );
    assert.equal((await limiter.acquire('4', [keyBucket('b'), teamBucket('t1')])).failed, -1, 'the team had room for one more');
    // The team is full: key c's slot admitted and gives its entry back.
    const byTeam = await limiter.acquire('5', [keyBucket('c'), teamBucket('t1')]);
    assert.equal(byTeam.failed, 1);
    assert.deepEqual(
      byTeam.states.map((s) => s.used),
      [0, 3],
    );
    const alone = await limiter.acquire('6', [keyBucket('c')]);
    assert.equal(alone.states[0]!.used, 1, 'key c holds only the new entry');
  });

  it('a slot that fails: the slots that admitted give back, and the error reaches the caller', async () => {
    // A team total of the wrong type makes the team's script fail in its slot.
    await state.redis!.hset(`${prefix}${teamBucket('broken').key}:s`, 'x', '1');
    await assert.rejects(limiter.acquire('7', [keyBucket('d'), teamBucket('broken')]), /WRONGTYPE/);
    assert.equal(await state.redis!.hlen(`${prefix}${keyBucket('d').key}:h`), 0, 'key d gave its entry back');
  });

  it('settle and release find the bucket in its slot', async () => {
    const tokens: BucketReq = { key: '{key:e}rl:t:c2:tpm:key:e', limit: 100, ttlMs: 60_000, cost: 40 };
    const slots: BucketReq = { key: '{team:t2}rl:t:c3:concurrency:team:t2', limit: 1, ttlMs: 60_000, cost: 1 };
    assert.equal((await limiter.acquire('8', [tokens, slots])).failed, -1);
    await limiter.settle('8', tokens.key, 10);
    await limiter.release('8', slots.key);
    const next = await limiter.acquire('9', [tokens, slots]);
    assert.equal(next.failed, -1);
    assert.deepEqual(
      next.states.map((s) => s.used),
      [50, 1],
    );
  });

  it('a team limit shared by 20 keys, hit by three clients at once, admits exactly its limit', async () => {
    const clients = [state, open([cluster.nodes[1]!]), open([cluster.nodes[2]!])];
    try {
      await Promise.all(clients.map((c) => waitFor('a cluster client', async () => c.redis!.status === 'ready')));
      const limiters = clients.map(createRedisLimiter);
      let admitted = 0;
      const perKey = new Array<number>(20).fill(0);
      await Promise.all(
        Array.from({ length: 600 }, async (_, i) => {
          const k = i % 20;
          const r = await limiters[i % 3]!.acquire(`x${i}`, [keyBucket(`load${k}`, 1000), teamBucket('shared', 100)]);
          if (r.failed < 0) {
            admitted++;
            perKey[k]!++;
          }
        }),
      );
      console.log(`      admitted ${admitted} of 600 against a team limit of 100 (20 keys, 3 clients)`);
      assert.equal(admitted, 100);
      const team = await limiters[0]!.acquire('probe', [teamBucket('shared', 100)]);
      assert.equal(team.states[0]!.used, 100, 'the team counter holds exactly the admitted entries');
      const keysUsed = await Promise.all(perKey.map((_, k) => limiters[0]!.acquire('probe', [keyBucket(`load${k}`, 0)])));
      assert.deepEqual(
        keysUsed.map((r) => r.states[0]!.used),
        perKey,
        'refused requests left nothing in their keys',
      );
    } finally {
      await clients[1]!.close();
      await clients[2]!.close();
    }
  });
});
