/**
 * Sliding-log limiter on Redis, shared by every replica: one node, a Sentinel-managed
 * master or a Redis Cluster. Scripts are defined once per client with ioredis
 * `defineCommand` (EVALSHA, falling back to EVAL after a restart flushed the script cache).
 *
 * Key layout. A bucket is three keys — `:z` (entry ids by expiry), `:h` (their amounts),
 * `:s` (the running total) — after the bucket key, whose hash tag `{…}` keeps the three in
 * one Cluster slot. buckets.ts tags a bucket by its most specific dimension:
 *   gw:{key:key_8f2c}rl:<plugin>:c0:rpm:key:key_8f2c:z      a key's own limits
 *   gw:{key:key_8f2c}rl:<plugin>:c2:tpm:key+model:key_8f2c:gpt-4o:z
 *   gw:{team:team_01}rl:<plugin>:c1:rpm:team:team_01:z      one counter for the whole team
 * A key without a tag is tagged whole (`{name}`).
 *
 * One node or Sentinel: a request's buckets all go into one script, atomic. Cluster: one
 * script per tag (usually one for the key, one per shared limit), run in parallel; when a
 * slot refuses (or fails), the slots that admitted give their entries back, so a request
 * is admitted everywhere or nowhere. Each bucket is still one counter checked and updated
 * atomically in one slot, so a shared limit stays exact across replicas: never over. The
 * price is the moment a request refused in one slot holds entries in another: a request
 * arriving then may be refused for them (under the limit, never over).
 */
import type { StateStore, RedisClient } from '../../engine/stores/state.ts';
import type { AcquireResult, BucketReq, BucketState, Limiter } from './limiter.ts';
import { ACQUIRE_LUA, RELEASE_LUA, SETTLE_LUA } from './redis-scripts.ts';

type Reply = Array<number | string>;

interface LimiterCommands {
  gwRlAcquire(numKeys: number, ...args: (string | number)[]): Promise<Reply>;
  gwRlSettle(z: string, h: string, s: string, id: string, amount: number): Promise<number>;
  gwRlRelease(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

const defined = new WeakSet<RedisClient>();

function commands(redis: RedisClient): LimiterCommands {
  if (!defined.has(redis)) {
    redis.defineCommand('gwRlAcquire', { lua: ACQUIRE_LUA });
    redis.defineCommand('gwRlSettle', { numberOfKeys: 3, lua: SETTLE_LUA });
    redis.defineCommand('gwRlRelease', { lua: RELEASE_LUA });
    defined.add(redis);
  }
  return redis as unknown as LimiterCommands;
}

/** The part of `key` Redis hashes for the slot: the first non-empty `{…}`, else '' (none). */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return '';
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : '';
}

export function createRedisLimiter(state: StateStore): Limiter {
  const redis = state.redis!;
  const cmd = commands(redis);
  const slotted = redis.isCluster;
  // The store prefix holds no braces (the config schema refuses them): the tag is the bucket's.
  const tagged = (key: string): string => (hashTagOf(key) ? key : `{${key}}`);
  const keysOf = (key: string): [string, string, string] => {
    const base = state.key(tagged(key));
    return [`${base}:z`, `${base}:h`, `${base}:s`];
  };

  /** One acquire script over the buckets `idx` (all of them when undefined). */
  function acquireIn(id: string, reqs: readonly BucketReq[], idx?: readonly number[]): Promise<Reply> {
    const n = idx ? idx.length : reqs.length;
    const keys: string[] = [];
    const argv: (string | number)[] = [id, n];
    for (let j = 0; j < n; j++) {
      const r = reqs[idx ? idx[j]! : j]!;
      keys.push(...keysOf(r.key));
      argv.push(Math.ceil(r.ttlMs), r.limit, r.cost);
    }
    return cmd.gwRlAcquire(keys.length, ...keys, ...argv);
  }

  function releaseIn(id: string, reqs: readonly BucketReq[], idx: readonly number[]): Promise<number> {
    const keys: string[] = [];
    for (let j = 0; j < idx.length; j++) keys.push(...keysOf(reqs[idx[j]!]!.key));
    return cmd.gwRlRelease(keys.length, ...keys, id);
  }

  /** Buckets by hash tag, in first-seen order: one group per slot a script may touch. */
  function groupsOf(reqs: readonly BucketReq[]): number[][] {
    const byTag = new Map<string, number[]>();
    for (let i = 0; i < reqs.length; i++) {
      const tag = hashTagOf(tagged(reqs[i]!.key));
      const g = byTag.get(tag);
      if (g) g.push(i);
      else byTag.set(tag, [i]);
    }
    return [...byTag.values()];
  }

  async function acquireAcrossSlots(id: string, reqs: readonly BucketReq[], groups: number[][]): Promise<AcquireResult> {
    const replies = await Promise.allSettled(groups.map((idx) => acquireIn(id, reqs, idx)));
    const states: BucketState[] = new Array(reqs.length);
    let failed = -1;
    let error: unknown;
    const giveBack: number[] = [];
    replies.forEach((r, g) => {
      const idx = groups[g]!;
      if (r.status === 'rejected') {
        error ??= r.reason;
        giveBack.push(g); // it may have been applied before the reply was lost
        return;
      }
      const refusedAt = Number(r.value[0]);
      if (refusedAt >= 0 && (failed < 0 || idx[refusedAt]! < failed)) failed = idx[refusedAt]!;
      if (refusedAt < 0) giveBack.push(g);
      for (let j = 0; j < idx.length; j++) states[idx[j]!] = { used: Number(r.value[1 + 2 * j]), resetMs: Number(r.value[2 + 2 * j]) };
    });
    if (failed < 0 && error === undefined) return { failed, states };
    await Promise.allSettled(giveBack.map((g) => releaseIn(id, reqs, groups[g]!)));
    if (error !== undefined) throw error;
    for (const g of giveBack) for (const i of groups[g]!) states[i]!.used -= reqs[i]!.cost;
    return { failed, states };
  }

  return {
    async acquire(id: string, reqs: readonly BucketReq[]): Promise<AcquireResult> {
      const groups = slotted && reqs.length > 1 ? groupsOf(reqs) : undefined;
      if (groups && groups.length > 1) return acquireAcrossSlots(id, reqs, groups);
      const out = await acquireIn(id, reqs);
      const states: BucketState[] = [];
      for (let i = 0; i < reqs.length; i++) states.push({ used: Number(out[1 + 2 * i]), resetMs: Number(out[2 + 2 * i]) });
      return { failed: Number(out[0]), states };
    },
    async settle(id, key, amount) {
      await cmd.gwRlSettle(...keysOf(key), id, amount);
    },
    async release(id, key) {
      await cmd.gwRlRelease(3, ...keysOf(key), id);
    },
  };
}
