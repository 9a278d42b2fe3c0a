/**
 * Circuit breakers per deployment: closed → open on consecutive failures, on error rate
 * over a sliding window, or on a latency trip (recent p99 far above the deployment's own
 * baseline); open sheds traffic for `cooldown_ms`, then half-open lets a few probes
 * through: a success closes it, a failure opens it again.
 *
 * @example
 *   const b = new CircuitBreaker('openai/gpt-4o', policy.breaker);
 *   const ticket = b.acquire(Date.now()); // 'closed' | 'probe' | undefined (shed)
 *   if (ticket) b.record(ticket, ok, latencyMs, Date.now());
 */
import type { BreakerPolicy } from './policy.ts';
import { OutcomeWindow } from './outcome-window.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';
export const STATE_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, half_open: 2 };

/** What `acquire` hands out; pass it back to `record` or `release`. */
export type Ticket = 'closed' | 'probe';

export type TransitionListener = (id: string, to: BreakerState, openUntil: number, reason: string) => void;

export class CircuitBreaker {
  state: BreakerState = 'closed';
  openUntil = 0;
  consecutive = 0;
  lastReason = '';
  private probes = 0;
  private window: OutcomeWindow;
  private windowMs: number;
  private baseline?: number;

  constructor(
    readonly id: string,
    public policy: Readonly<BreakerPolicy>,
    private readonly onTransition?: TransitionListener,
  ) {
    this.windowMs = policy.window_ms;
    this.window = new OutcomeWindow(policy.window_ms);
  }

  /** May a request go to this deployment now? undefined means shed it. */
  acquire(now: number): Ticket | undefined {
    if (this.state === 'open') {
      if (now < this.openUntil) return undefined;
      this.to('half_open', now, 'cool-down elapsed');
    }
    if (this.state === 'half_open') {
      if (this.probes >= this.policy.half_open_probes) return undefined;
      this.probes++;
      return 'probe';
    }
    return 'closed';
  }

  /** The request was abandoned (hedge lost, client gone): no verdict on health. */
  release(t: Ticket): void {
    if (t === 'probe' && this.probes > 0) this.probes--;
  }

  /** Whether a request would be let through now, without taking a probe slot. */
  available(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') return now >= this.openUntil;
    return this.probes < this.policy.half_open_probes;
  }

  record(t: Ticket, ok: boolean, latencyMs: number, now: number): void {
    if (t === 'probe') {
      this.release(t);
      if (this.state !== 'half_open') return;
      if (ok) this.to('closed', now, 'probe succeeded');
      else this.to('open', now, 'probe failed');
      return;
    }
    if (this.state !== 'closed') return;
    this.consecutive = ok ? 0 : this.consecutive + 1;
    const p = this.policy;
    // A reload may change the policy's window: start a fresh one of the new length.
    if (p.window_ms !== this.windowMs) {
      this.windowMs = p.window_ms;
      this.window = new OutcomeWindow(p.window_ms);
    }
    this.window.record(now, ok, latencyMs);
    if (this.consecutive >= p.failure_threshold) return this.to('open', now, `${this.consecutive} consecutive failures`);
    const w = this.window;
    if (w.total >= p.min_requests) {
      const rate = w.bad / w.total;
      if (rate >= p.error_rate) return this.to('open', now, `error rate ${(rate * 100).toFixed(0)}% over ${w.total} requests`);
    }
    if (ok) this.latencyCheck(latencyMs, now);
  }

  private latencyCheck(latencyMs: number, now: number): void {
    const p = this.policy;
    // The baseline moves slowly so a sustained slowdown shows up against it before it is absorbed.
    this.baseline = this.baseline === undefined ? latencyMs : 0.98 * this.baseline + 0.02 * latencyMs;
    if (p.latency_factor <= 0) return;
    if (this.window.okCount < p.latency_min_samples) return;
    const p99 = this.window.quantile(0.99)!;
    if (p99 > p.latency_factor * this.baseline) this.to('open', now, `p99 ${p99.toFixed(0)}ms > ${p.latency_factor}x baseline ${this.baseline.toFixed(0)}ms`);
  }

  /** Apply a state another replica decided (Redis). Does not re-broadcast. */
  applyRemote(to: BreakerState, openUntil: number, reason: string, now: number): void {
    if (to === this.state && openUntil === this.openUntil) return;
    this.set(to, openUntil, reason, now);
  }

  private to(to: BreakerState, now: number, reason: string): void {
    this.set(to, to === 'open' ? now + this.policy.cooldown_ms : 0, reason, now);
    this.onTransition?.(this.id, to, this.openUntil, reason);
  }

  private set(to: BreakerState, openUntil: number, reason: string, _now: number): void {
    this.state = to;
    this.openUntil = openUntil;
    this.lastReason = reason;
    this.probes = 0;
    if (to !== 'half_open') {
      this.consecutive = 0;
      this.window.clear();
    }
  }
}
