/**
 * The shared-state store: counters, cache entries, breaker state, pub/sub. `memory` for
 * one process (the embedded default), `redis` when replicas must share it. Features that
 * need atomic multi-step updates (rate limits) branch on `kind` and use `redis` directly
 * with Lua scripts; simple features use the key/value and pub/sub methods below, which
 * behave the same on both backends.
 *
 * `redis` may be a Redis Cluster client: a script or transaction there may only touch
 * keys of one hash slot, so callers give the keys one call touches a shared `{hash tag}`
 * (the rate limiter's layout is in rate-limit/redis-limiter.ts). The methods below touch
 * one key each and are safe on every topology.
 */
import type { Cluster, Redis } from 'ioredis';

/** One Redis node (a `url`, or the master Sentinel names) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  /** Key prefix applied by this store (tests use their own to stay apart). */
  readonly prefix: string;
  /**
   * The ioredis client when kind is 'redis' (`redis.isCluster` tells a Cluster). Keys passed
   * to it must be prefixed by the caller (`key()`); the prefix never holds a hash tag.
   */
  readonly redis?: RedisClient;
  /** Prefix a key. */
  key(name: string): string;
  get(name: string): Promise<string | null>;
  set(name: string, value: string, ttlMs?: number): Promise<void>;
  del(name: string): Promise<void>;
  /** Atomic add; creates the key at 0. Returns the new value. ttlMs applies when the key is created. */
  incrBy(name: string, by: number, ttlMs?: number): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /** Round trip to the backend (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
