/**
 * The mock's fault injector: decides, per request, whether it fails (and how) and whether
 * its stream is cut — from a seeded sequence when `faults.seed` is set, so a rehearsal is
 * reproducible. Failures are made by the same functions that map a real provider's
 * failures, so retries, breakers, fallbacks and clients see exactly what they would.
 *
 * @example
 *   const faults = new FaultInjector({ error_rate: 0.2, error_status: 429, seed: 1 });
 *   faults.beforeAnswer(); // throws GW_ERR_PROVIDER_RATE_LIMITED for ~1 request in 5
 */
import type { GatewayError } from '../../../../engine/errors.ts';
import { badUpstream, upstreamHttpError } from '../../http/errors.ts';
import type { MockFaults } from './options.ts';

const noScrub = (s: string) => s;

export class FaultInjector {
  private readonly next: () => number;

  constructor(private readonly f: MockFaults = {}) {
    this.next = f.seed === undefined ? Math.random : mulberry32(f.seed);
  }

  /** Throws the injected HTTP error for this request, if it draws one. */
  beforeAnswer(): void {
    if (!this.f.error_rate || this.next() >= this.f.error_rate) return;
    const status = this.f.error_status ?? 503;
    const headers = status === 429 || status === 503 ? { 'retry-after': String(this.f.retry_after_s ?? 1) } : {};
    throw upstreamHttpError(status, headers, JSON.stringify({ error: { message: `Mock fault injected (HTTP ${status}).`, type: 'mock_fault' } }), noScrub);
  }

  /** The number of content chunks after which this stream is cut, or undefined. */
  streamCut(): number | undefined {
    if (!this.f.cut_stream_rate || this.next() >= this.f.cut_stream_rate) return undefined;
    return this.f.cut_after_chunks ?? 2;
  }

  /** What a cut stream throws: the same error as a real upstream that hangs up mid-answer. */
  static cut(): GatewayError {
    return badUpstream('the stream ended before the answer finished (mock fault injected)');
  }
}

/** A small, fast, seedable PRNG (Tommy Ettinger's mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return function nextRandom() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
