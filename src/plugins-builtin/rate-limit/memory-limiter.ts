/**
 * In-process sliding-log limiter (`stores.state.type: memory`). Entries of one bucket
 * share one TTL, so the Map's insertion order is their expiry order: expiring is a
 * walk from the front that stops at the first live entry.
 */
import type { AcquireResult, BucketReq, BucketState, Limiter } from './limiter.ts';

interface Bucket {
  entries: Map<string, { exp: number; amount: number }>;
  total: number;
}

export function createMemoryLimiter(now: () => number = Date.now): Limiter {
  const buckets = new Map<string, Bucket>();
  let calls = 0;

  // Buckets nobody asks for again would keep their entries: sweep all now and then.
  function sweep(t: number): void {
    for (const key of buckets.keys()) if (live(key, t).entries.size === 0) buckets.delete(key);
  }

  function live(key: string, t: number): Bucket {
    let b = buckets.get(key);
    if (!b) {
      b = { entries: new Map(), total: 0 };
      buckets.set(key, b);
      return b;
    }
    for (const [id, e] of b.entries) {
      if (e.exp > t) break;
      b.total -= e.amount;
      b.entries.delete(id);
    }
    return b;
  }

  const resetOf = (b: Bucket, t: number): number => {
    const first = b.entries.values().next();
    return first.done ? 0 : Math.max(0, first.value.exp - t);
  };

  return {
    async acquire(id: string, reqs: readonly BucketReq[]): Promise<AcquireResult> {
      const t = now();
      if (++calls % 1000 === 0) sweep(t);
      const bs = reqs.map((r) => live(r.key, t));
      let failed = -1;
      for (let i = 0; i < reqs.length; i++)
        if (bs[i]!.total + reqs[i]!.cost > reqs[i]!.limit) {
          failed = i;
          break;
        }
      if (failed < 0) {
        for (let i = 0; i < reqs.length; i++) {
          bs[i]!.entries.set(id, { exp: t + reqs[i]!.ttlMs, amount: reqs[i]!.cost });
          bs[i]!.total += reqs[i]!.cost;
        }
      }
      const states: BucketState[] = bs.map((b) => ({ used: b.total, resetMs: resetOf(b, t) }));
      for (let i = 0; i < bs.length; i++) if (bs[i]!.entries.size === 0) buckets.delete(reqs[i]!.key);
      return { failed, states };
    },
    async settle(id, key, amount) {
      const e = buckets.get(key)?.entries.get(id);
      if (!e) return;
      buckets.get(key)!.total += amount - e.amount;
      e.amount = amount;
    },
    async release(id, key) {
      const b = buckets.get(key);
      const e = b?.entries.get(id);
      if (!b || !e) return;
      b.total -= e.amount;
      b.entries.delete(id);
      if (b.entries.size === 0) buckets.delete(key);
    },
  };
}
