/**
 * Outcomes of the last `windowMs`, kept in 10 time buckets with running totals, so
 * recording is O(1) and the error rate is read in O(1) — the breaker sees every request,
 * and an array of samples would cost O(window) per request (45k entries at 1.5k req/s
 * over 30 s). Latencies of successes go to a log-scale histogram (quarter octaves) whose
 * bins also keep their largest value, so the p99 read is the real largest latency of its
 * bin, not a bin edge.
 */
const BUCKETS = 10;
const BINS = 72; // 2^(72/4) ms ≈ 262 s: anything slower lands in the last bin

interface Bucket {
  start: number;
  total: number;
  bad: number;
  hist: Uint32Array;
  max: Float64Array;
}

const binOf = (ms: number) => Math.min(BINS - 1, Math.max(0, Math.floor(Math.log2(ms + 1) * 4)));

export class OutcomeWindow {
  private readonly buckets: Bucket[];
  private readonly bucketMs: number;
  private current = 0;
  /** Running totals over the live buckets. */
  total = 0;
  bad = 0;
  okCount = 0;

  constructor(windowMs: number) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
    this.buckets = Array.from({ length: BUCKETS }, () => ({ start: -Infinity, total: 0, bad: 0, hist: new Uint32Array(BINS), max: new Float64Array(BINS) }));
  }

  record(now: number, ok: boolean, latencyMs: number): void {
    const b = this.bucketFor(now);
    b.total++;
    this.total++;
    if (!ok) {
      b.bad++;
      this.bad++;
      return;
    }
    const bin = binOf(latencyMs);
    b.hist[bin]!++;
    if (latencyMs > b.max[bin]!) b.max[bin] = latencyMs;
    this.okCount++;
  }

  /** Latency at quantile q (0..1) of the successes in the window, or undefined if none. */
  quantile(q: number): number | undefined {
    if (this.okCount === 0) return undefined;
    const rank = Math.min(this.okCount - 1, Math.floor(q * this.okCount));
    let seen = 0;
    for (let bin = 0; bin < BINS; bin++) {
      let n = 0;
      let max = 0;
      for (const b of this.buckets) {
        n += b.hist[bin]!;
        if (b.max[bin]! > max) max = b.max[bin]!;
      }
      seen += n;
      if (seen > rank) return max;
    }
    return undefined;
  }

  clear(): void {
    for (const b of this.buckets) this.reset(b, -Infinity);
    this.total = this.bad = this.okCount = 0;
  }

  private bucketFor(now: number): Bucket {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    let b = this.buckets[this.current]!;
    if (b.start === start) return b;
    // Time moved on: drop every bucket that has left the window, then open the new one.
    const horizon = start - (BUCKETS - 1) * this.bucketMs;
    for (const old of this.buckets) if (old.start < horizon && old.start !== -Infinity) this.evict(old);
    this.current = (this.current + 1) % BUCKETS;
    b = this.buckets[this.current]!;
    if (b.start !== -Infinity) this.evict(b);
    b.start = start;
    return b;
  }

  private evict(b: Bucket): void {
    this.total -= b.total;
    this.bad -= b.bad;
    this.okCount -= b.total - b.bad;
    this.reset(b, -Infinity);
  }

  private reset(b: Bucket, start: number): void {
    b.start = start;
    b.total = b.bad = 0;
    b.hist.fill(0);
    b.max.fill(0);
  }
}
