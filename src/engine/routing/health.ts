/**
 * What this gateway has observed per deployment: requests in flight, EWMA of latency
 * and time to first token, a ring of recent latencies (p95/p99), and what was sent in
 * the last minute (requests and tokens, for the usage strategy). Process-local by
 * design: latency is what *this* node sees; breakers are the part shared via Redis.
 *
 * @example
 *   const s = stats.of('openai/gpt-4o'); s.begin(); ...; s.success(now, 120, 80, 500);
 */

const RING = 256;
const ALPHA = 0.2;
const MINUTE = 60_000;
const SLOTS = 12; // 5 s slots: a minute window without a timer

export class DeploymentStats {
  inflight = 0;
  /** EWMA of total latency (ms); undefined until the first success. */
  latency?: number;
  /** EWMA of time to first token for streams, or latency for non-streamed answers. */
  ttft?: number;
  samples = 0;
  private readonly ring = new Float64Array(RING);
  private readonly slotReq = new Float64Array(SLOTS);
  private readonly slotTok = new Float64Array(SLOTS);
  private readonly slotAt = new Float64Array(SLOTS);

  begin(): void {
    this.inflight++;
  }
  end(): void {
    if (this.inflight > 0) this.inflight--;
  }

  /** Record a successful answer's latency (ms) and time to first token (ms). */
  observe(latencyMs: number, ttftMs: number): void {
    this.latency = this.latency === undefined ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * this.latency;
    this.ttft = this.ttft === undefined ? ttftMs : ALPHA * ttftMs + (1 - ALPHA) * this.ttft;
    this.ring[this.samples % RING] = latencyMs;
    this.samples++;
  }

  /** Latency percentile (0..1) over the last RING samples; undefined with none. */
  percentile(p: number): number | undefined {
    const n = Math.min(this.samples, RING);
    if (n === 0) return undefined;
    const sorted = Array.from(this.ring.subarray(0, n)).sort((a, b) => a - b);
    return sorted[Math.min(n - 1, Math.floor(p * n))];
  }

  /** Count a request and its tokens toward this minute's usage. */
  sent(now: number, tokens: number): void {
    const i = this.slot(now);
    this.slotReq[i]! += 1;
    this.slotTok[i]! += tokens;
  }

  /** Requests and tokens sent in the last minute. */
  lastMinute(now: number): { requests: number; tokens: number } {
    let requests = 0,
      tokens = 0;
    for (let i = 0; i < SLOTS; i++) {
      if (now - this.slotAt[i]! < MINUTE) {
        requests += this.slotReq[i]!;
        tokens += this.slotTok[i]!;
      }
    }
    return { requests, tokens };
  }

  private slot(now: number): number {
    const start = Math.floor(now / (MINUTE / SLOTS)) * (MINUTE / SLOTS);
    const i = Math.floor(start / (MINUTE / SLOTS)) % SLOTS;
    if (this.slotAt[i] !== start) {
      this.slotAt[i] = start;
      this.slotReq[i] = 0;
      this.slotTok[i] = 0;
    }
    return i;
  }
}

/** Stats per deployment id, created on first use. */
export class HealthBoard {
  private readonly byId = new Map<string, DeploymentStats>();

  of(id: string): DeploymentStats {
    let s = this.byId.get(id);
    if (!s) {
      s = new DeploymentStats();
      this.byId.set(id, s);
    }
    return s;
  }

  peek(id: string): DeploymentStats | undefined {
    return this.byId.get(id);
  }

  /** A JSON view for the admin API. */
  snapshot(
    now = Date.now(),
  ): Record<
    string,
    { inflight: number; latency_ms?: number; ttft_ms?: number; p95_ms?: number; p99_ms?: number; last_minute: { requests: number; tokens: number } }
  > {
    const out: ReturnType<HealthBoard['snapshot']> = {};
    for (const [id, s] of this.byId) {
      out[id] = {
        inflight: s.inflight,
        latency_ms: s.latency,
        ttft_ms: s.ttft,
        p95_ms: s.percentile(0.95),
        p99_ms: s.percentile(0.99),
        last_minute: s.lastMinute(now),
      };
    }
    return out;
  }
}
