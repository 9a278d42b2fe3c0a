/**
 * The Redis state store on the topologies managed Redis comes in: a 3-master Redis Cluster
 * and a Sentinel-managed master that fails over. Key/value, counters and the features built
 * on pub/sub (key-change bus, breaker sync) must work on both, and keep working across a
 * `SENTINEL FAILOVER`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { createRedisStateStore } from '../../../src/engine/stores/redis-state.ts';
import { connectRedis, parseNode } from '../../../src/engine/stores/redis-connect.ts';
import type { StateStore } from '../../../src/engine/stores/state.ts';
import { announceKeyChange, onKeyChange } from '../../../src/engine/stores/db/changes.ts';
import { attachBreakerSync } from '../../../src/engine/routing/breaker-sync.ts';
import { redisCall, startRedisCluster, startRedisSentinel, waitFor, type RedisCluster, type RedisSentinelSet } from '../../helpers/redis-servers.ts';

const silent = pino({ level: 'silent' });
const fail = (err: unknown): never => assert.fail(String(err));

async function ready(s: StateStore): Promise<void> {
  await waitFor('the store to be ready', async () => s.redis!.status === 'ready', 10_000);
}

/** Collects what a channel delivers; `next` waits for a message satisfying `match`. */
function inbox<T>() {
  const got: T[] = [];
  return {
    got,
    push: (m: T) => void got.push(m),
    next: (match: (m: T) => boolean) => waitFor('a message', async () => got.some(match), 5000),
  };
}

describe('parseNode', () => {
  it('reads host:port and [v6]:port', () => {
    assert.deepEqual(parseNode('redis-0.redis:26379'), { host: 'redis-0.redis', port: 26379 });
    assert.deepEqual(parseNode('[fd00::1]:7000'), { host: 'fd00::1', port: 7000 });
  });
});

describe('state store on a 3-node Redis Cluster', function () {
  this.timeout(30_000);
  const prefix = `test:topo:${randomBytes(4).toString('hex')}:`;
  let cluster: RedisCluster;
  let a: StateStore;
  let b: StateStore;

  before(async () => {
    cluster = await startRedisCluster(3);
    a = createRedisStateStore({ cluster: { nodes: cluster.nodes } }, prefix, silent);
    b = createRedisStateStore({ cluster: { nodes: [cluster.nodes[2]!] } }, prefix, silent); // one seed is enough
    await Promise.all([ready(a), ready(b)]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });

  it('is a Cluster client; keys, counters and TTLs work on keys spread over every master', async () => {
    assert.equal(a.redis!.isCluster, true);
    for (let i = 0; i < 30; i++) await a.set(`k${i}`, String(i), 60_000);
    for (let i = 0; i < 30; i++) assert.equal(await b.get(`k${i}`), String(i));
    const perNode = await Promise.all(cluster.nodes.map((n) => redisCall(parseNode(n).port, 'DBSIZE')));
    assert.ok(
      perNode.every((n) => Number(n) > 0),
      `keys on each master: ${perNode}`,
    );
    assert.equal(await a.incrBy('budget:team:t1', 0.25, 60_000), 0.25);
    assert.equal(await b.incrBy('budget:team:t1', 0.5, 60_000), 0.75);
    const ttl = await (a.redis as unknown as Redis).pttl(a.key('budget:team:t1'));
    assert.ok(ttl > 0 && ttl <= 60_000, `pttl ${ttl}`);
    await a.del('k0');
    assert.equal(await b.get('k0'), null);
    assert.equal(await a.ping(), true);
  });

  it('carries key-change and breaker messages between stores', async () => {
    const keys = inbox<string>();
    const stop = await onKeyChange(b, keys.push);
    const breakers = inbox<string>();
    const syncB = await attachBreakerSync(b, { applyRemote: (id, state) => breakers.push(`${id}=${state}`) }, fail);
    const syncA = await attachBreakerSync(a, { applyRemote: () => undefined }, fail);
    try {
      await announceKeyChange(a, 'key_cluster');
      await keys.next((m) => m === 'key_cluster');
      syncA.publish('openai/gpt', 'open', Date.now() + 30_000, 'test');
      await breakers.next((m) => m === 'openai/gpt=open');
    } finally {
      await stop();
      await syncA.close();
      await syncB.close();
    }
  });
});

describe('state store behind Redis Sentinel', function () {
  this.timeout(45_000);
  const prefix = `test:topo:${randomBytes(4).toString('hex')}:`;
  let set: RedisSentinelSet;
  let a: StateStore;
  let b: StateStore;

  before(async () => {
    set = await startRedisSentinel(2);
    // The first sentinel listed is not running: the next is asked.
    const target = { sentinel: { name: set.name, nodes: ['127.0.0.1:1', ...set.sentinels] } };
    a = createRedisStateStore(target, prefix, silent);
    b = createRedisStateStore(target, prefix, silent);
    await Promise.all([ready(a), ready(b)]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await set?.stop();
  });

  it('finds the master through the sentinels and writes there', async () => {
    await a.set('where', 'master');
    assert.equal(await redisCall(await set.masterPort(), 'GET', `${prefix}where`), 'master');
  });

  it('follows SENTINEL FAILOVER: few errors during the switch, then commands and pub/sub on the new master', async () => {
    const keys = inbox<string>();
    const stop = await onKeyChange(b, keys.push);
    let ok = 0;
    const errors: number[] = [];
    const successes: number[] = [];
    let running = true;
    let t0 = Date.now();
    const load = (async () => {
      while (running) {
        await a.incrBy('counter', 1).then(
          () => successes.push(Date.now() - t0) && ok++,
          () => errors.push(Date.now() - t0),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 200));
      t0 = Date.now();
      const { to } = await set.failover();
      const switched = Date.now() - t0;
      await waitFor('the store to write on the new master', async () => Number(await redisCall(to, 'GET', a.key('counter'))) > 0);
      const writesOnNew = Date.now() - t0;
      await waitFor('commands to succeed after the switch', async () => successes.filter((t) => t > (errors.at(-1) ?? switched)).length > 10);
      running = false;
      await load;
      const counted = Number(await redisCall(to, 'GET', a.key('counter')));
      const lastError = errors.at(-1) ?? switched;
      console.log(
        `      Sentinel switched after ${switched} ms; ${errors.length} failed commands` +
          (errors.length ? ` between ${errors[0]} and ${lastError} ms` : '') +
          `; writes on the new master by ${writesOnNew} ms, first success after the errors at ${successes.find((t) => t > lastError)} ms; ` +
          `${ok} increments acknowledged, ${counted} on the new master`,
      );
      // Writes are held from the promotion to the switch: nothing acknowledged is lost.
      assert.equal(counted, ok, 'every acknowledged increment is on the new master');
      assert.ok(lastError - (errors[0] ?? lastError) < 5000, 'errors spread over more than 5 s');
      assert.equal(((a.redis as Redis).stream as { remotePort?: number }).remotePort, to, 'commands go to the new master');
      // Pub/sub across the switch: a key change announced now reaches the other store.
      await announceKeyChange(a, 'key_after_failover');
      await keys.next((m) => m === 'key_after_failover');
    } finally {
      running = false;
      await load;
      await stop();
    }
  });

  it('a URL string still means one node', async () => {
    const port = await set.masterPort();
    const c = connectRedis(`redis://127.0.0.1:${port}`, { offlineQueue: true, maxRetriesPerRequest: 1 });
    try {
      assert.equal(c.isCluster, false);
      assert.equal(await c.ping(), 'PONG');
    } finally {
      c.disconnect();
    }
  });
});

describe('state store on a Redis Cluster whose master dies', function () {
  this.timeout(45_000);
  const prefix = `test:topo:${randomBytes(4).toString('hex')}:`;
  let cluster: RedisCluster;
  let a: StateStore;
  let b: StateStore;

  before(async () => {
    cluster = await startRedisCluster(3, 1);
    a = createRedisStateStore({ cluster: { nodes: cluster.nodes } }, prefix, silent);
    b = createRedisStateStore({ cluster: { nodes: cluster.nodes } }, prefix, silent);
    await Promise.all([ready(a), ready(b)]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });

  it('fails for a bounded time, then its replica serves the counts and pub/sub carries on', async () => {
    const seed = parseNode(cluster.nodes[0]!).port;
    const slot = Number(await redisCall(seed, 'CLUSTER', 'KEYSLOT', a.key('counter')));
    const ranges = (await redisCall(seed, 'CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    const owner = ranges.find(([from, to]) => slot >= from && slot <= to)![2];
    const keys = inbox<string>();
    const stop = await onKeyChange(b, keys.push);
    let ok = 0;
    let slowest = 0;
    const errors: number[] = [];
    const successes: number[] = [];
    let running = true;
    let t0 = Date.now();
    const load = (async () => {
      while (running) {
        const started = Date.now();
        await a.incrBy('counter', 1).then(
          () => successes.push(Date.now() - t0) && ok++,
          () => errors.push(Date.now() - t0),
        );
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 300));
      t0 = Date.now();
      slowest = 0;
      await cluster.kill(`${owner[0]}:${owner[1]}`);
      await waitFor('commands to succeed again', async () => errors.length > 0 && successes.filter((t) => t > errors.at(-1)!).length > 10, 20_000);
      running = false;
      await load;
      const counted = Number(await a.get('counter'));
      const back = successes.find((t) => t > errors.at(-1)!)!;
      console.log(
        `      master killed: ${errors.length} failed commands between ${errors[0]} and ${errors.at(-1)} ms, the slowest ${slowest} ms; ` +
          `serving again at ${back} ms; ${ok} increments acknowledged, ${counted} counted`,
      );
      assert.ok(back < 10_000, `back after ${back} ms`);
      assert.ok(slowest < 1000, `a command waited ${slowest} ms`);
      // Replication is asynchronous: the last writes before the crash may not have reached the replica.
      assert.ok(counted <= ok && counted >= ok - 5, `${counted} of ${ok}`);
      await announceKeyChange(a, 'key_after_cluster_failover');
      await keys.next((m) => m === 'key_after_cluster_failover');
    } finally {
      running = false;
      await load;
      await stop();
    }
  });
});
