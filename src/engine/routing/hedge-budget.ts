/**
 * The cap on what hedging may add: at most `max_fraction` of the last minute's requests
 * may be hedged, and hedges may add at most `max_extra_usd_per_min` of estimated spend.
 *
 * @example
 *   if (budget.allow(now, estUsd, policy.hedgeBudget)) { budget.spend(now, estUsd); launchHedge(); }
 */
const MINUTE = 60_000;

export class HedgeBudget {
  private requests: number[] = [];
  private hedges: Array<[number, number]> = [];

  /** Count a request that could have been hedged. */
  request(now: number): void {
    this.requests.push(now);
    this.trim(now);
  }

  allow(now: number, extraUsd: number, cap: Readonly<{ max_fraction: number; max_extra_usd_per_min: number }>): boolean {
    this.trim(now);
    if (this.hedges.length + 1 > cap.max_fraction * Math.max(1, this.requests.length)) return false;
    let usd = extraUsd;
    for (const h of this.hedges) usd += h[1];
    return usd <= cap.max_extra_usd_per_min;
  }

  spend(now: number, extraUsd: number): void {
    this.hedges.push([now, extraUsd]);
  }

  private trim(now: number): void {
    let i = 0;
    while (i < this.requests.length && now - this.requests[i]! > MINUTE) i++;
    if (i) this.requests = this.requests.slice(i);
    let j = 0;
    while (j < this.hedges.length && now - this.hedges[j]![0] > MINUTE) j++;
    if (j) this.hedges = this.hedges.slice(j);
  }
}
