/**
 * The limiter contract both backends implement. Every limit is a sliding log: each
 * admitted request adds an entry (its cost: 1 request, N tokens, 1 slot in flight) that
 * expires `ttlMs` later; a request is admitted when, for every bucket, live entries plus
 * its cost stay within the limit. A log is exact at any instant, which is what keeps N
 * replicas within 1% of one shared limit (GCRA or window counters would allow a burst
 * or a boundary overshoot). Concurrency uses the same log with a long lease TTL, and
 * `release` removes its entry early.
 */

export interface BucketReq {
  /** Full bucket name (without the store prefix). */
  key: string;
  limit: number;
  /** Entry lifetime: the window (requests, tokens) or the lease (concurrency). */
  ttlMs: number;
  cost: number;
}

export interface BucketState {
  /** Units in use after this call (including this request's cost when admitted). */
  used: number;
  /** ms until the oldest entry expires (0 when empty). */
  resetMs: number;
}

export interface AcquireResult {
  /** -1 when admitted, else the index of the first bucket that refused. */
  failed: number;
  states: BucketState[];
}

export interface Limiter {
  /** All-or-nothing: admitted in every bucket or in none. */
  acquire(id: string, buckets: readonly BucketReq[]): Promise<AcquireResult>;
  /** Change the cost of an admitted entry (token reservation → real usage). */
  settle(id: string, key: string, amount: number): Promise<void>;
  /** Remove an admitted entry (a concurrency slot freed). */
  release(id: string, key: string): Promise<void>;
}
