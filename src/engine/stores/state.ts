/**
 * The shared-state store: counters, cache entries, breaker state, pub/sub. `memory` for
 * one process (the embedded default), `redis` when replicas must share it. Features that
 * need atomic multi-step updates (rate limits) branch on `kind` and use `redis` directly
 * with Lua scripts; simple features use the key/value and pub/sub methods below, which
 * behave the same on both backends.
 */
import type { Redis } from 'ioredis';

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  /** Key prefix applied by this store (tests use their own to stay apart). */
  readonly prefix: string;
  /** The ioredis client when kind is 'redis'. Keys passed to it must be prefixed by the caller (`key()`). */
  readonly redis?: Redis;
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
