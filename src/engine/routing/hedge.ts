/**
 * One round of attempts, hedged when the policy says so: the first deployment starts at
 * once; if it has not answered (non-streamed: the whole answer; streamed: the first
 * event) within the delay, the next one starts too, up to `fanout` at once (delay 0 =
 * N at once). The first success wins and the others are aborted at once; the round
 * fails only when every attempt it launched has failed.
 *
 * @example
 *   const r = await runRound(first, nextHedge, { delayMs: 300, fanout: 2 }, launch, onHedge);
 */
import type { Deployment, UpstreamResponse } from '../types.ts';
import type { Attempt } from './attempt.ts';
import { dropResponse } from '../executor.ts';

export interface RoundResult {
  response?: UpstreamResponse;
  winner?: Deployment;
  /** The winner was a hedge, not the round's first attempt. */
  hedgeWon: boolean;
  failures: Array<{ deployment: Deployment; err: unknown }>;
  launched: number;
}

export type HedgeOutcome = 'launched' | 'won' | 'lost';

export function runRound(
  start: () => Attempt,
  nextHedge: () => Attempt | undefined,
  hedge: { delayMs: number; fanout: number } | undefined,
  onHedge: (outcome: HedgeOutcome) => void,
): Promise<RoundResult> {
  return new Promise<RoundResult>(function round(resolve) {
    const live = new Set<Attempt>();
    const failures: RoundResult['failures'] = [];
    let launched = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let primary: Attempt | undefined;

    function launch(a: Attempt): void {
      live.add(a);
      launched++;
      a.promise.then(
        (res) => won(a, res),
        (err: unknown) => lost(a, err),
      );
    }

    function won(a: Attempt, res: UpstreamResponse): void {
      live.delete(a);
      if (done) {
        // Answered a moment after another attempt won: drop it (and its upstream).
        dropResponse(res);
        return;
      }
      done = true;
      clearTimeout(timer);
      for (const other of live) other.abort();
      const hedgeWon = a !== primary;
      if (launched > 1) onHedge(hedgeWon ? 'won' : 'lost');
      resolve({ response: res, winner: a.deployment, hedgeWon, failures, launched });
    }

    function lost(a: Attempt, err: unknown): void {
      live.delete(a);
      if (done) return;
      failures.push({ deployment: a.deployment, err });
      if (live.size > 0) return;
      done = true;
      clearTimeout(timer);
      resolve({ hedgeWon: false, failures, launched });
    }

    function schedule(): void {
      if (!hedge || launched >= hedge.fanout) return;
      timer = setTimeout(function fireHedge() {
        if (done) return;
        const a = nextHedge();
        if (!a) return;
        onHedge('launched');
        launch(a);
        schedule();
      }, hedge.delayMs);
    }

    primary = start();
    launch(primary);
    if (hedge && hedge.delayMs <= 0) {
      // N at once: launch the others now, synchronously.
      for (let a = launched < hedge.fanout ? nextHedge() : undefined; a; a = launched < hedge.fanout ? nextHedge() : undefined) {
        onHedge('launched');
        launch(a);
      }
    } else schedule();
  });
}
