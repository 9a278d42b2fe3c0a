/**
 * Sliding-log limiter on Redis, shared by every replica. Scripts are defined once per
 * client with ioredis `defineCommand` (EVALSHA, falling back to EVAL after a Redis
 * restart flushed the script cache).
 */
import type { Redis } from 'ioredis';
import type { StateStore } from '../../engine/stores/state.ts';
import type { AcquireResult, BucketReq, Limiter } from './limiter.ts';
import { ACQUIRE_LUA, RELEASE_LUA, SETTLE_LUA } from './redis-scripts.ts';

interface LimiterCommands {
  gwRlAcquire(numKeys: number, ...args: (string | number)[]): Promise<Array<number | string>>;
  gwRlSettle(z: string, h: string, s: string, id: string, amount: number): Promise<number>;
  gwRlRelease(z: string, h: string, s: string, id: string): Promise<number>;
}

const defined = new WeakSet<Redis>();

function commands(redis: Redis): LimiterCommands {
  if (!defined.has(redis)) {
    redis.defineCommand('gwRlAcquire', { lua: ACQUIRE_LUA });
    redis.defineCommand('gwRlSettle', { numberOfKeys: 3, lua: SETTLE_LUA });
    redis.defineCommand('gwRlRelease', { numberOfKeys: 3, lua: RELEASE_LUA });
    defined.add(redis);
  }
  return redis as unknown as LimiterCommands;
}

export function createRedisLimiter(state: StateStore): Limiter {
  const cmd = commands(state.redis!);
  // A hash tag keeps a bucket's three keys in one cluster slot.
  const keysOf = (key: string): [string, string, string] => {
    const base = state.key(`{rl:${key}}`);
    return [`${base}:z`, `${base}:h`, `${base}:s`];
  };

  return {
    async acquire(id: string, reqs: readonly BucketReq[]): Promise<AcquireResult> {
      const keys: string[] = [];
      const argv: (string | number)[] = [id, reqs.length];
      for (let i = 0; i < reqs.length; i++) {
        const r = reqs[i]!;
        keys.push(...keysOf(r.key));
        argv.push(Math.ceil(r.ttlMs), r.limit, r.cost);
      }
      const out = await cmd.gwRlAcquire(keys.length, ...keys, ...argv);
      const states = [];
      for (let i = 0; i < reqs.length; i++) states.push({ used: Number(out[1 + 2 * i]), resetMs: Number(out[2 + 2 * i]) });
      return { failed: Number(out[0]), states };
    },
    async settle(id, key, amount) {
      await cmd.gwRlSettle(...keysOf(key), id, amount);
    },
    async release(id, key) {
      await cmd.gwRlRelease(...keysOf(key), id);
    },
  };
}
