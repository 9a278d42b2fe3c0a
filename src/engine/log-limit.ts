/**
 * Logs about one outage of a store, at a bounded rate. Plugins that call a store on every
 * request (rate-limit, budget, semantic-cache, auth) would otherwise write a line per
 * request for as long as Redis or the database is away. Instead: one line when the outage
 * starts, then at most one summary per `summaryMs` with the number of failures since the
 * last line (written at the next failure once the period has passed: an outage nobody
 * hits writes nothing more), and one line when a call succeeds again, with the total.
 * The metrics each plugin keeps (`gateway_*_store_errors_total`) still count every failure.
 *
 * @example
 *   const outage = outageLog(logger, 'budget store', { effect: 'spend is not enforced' });
 *   try { await state.get(k); outage.ok(); } catch (err) { outage.failed(err); }
 */
import type { Logger } from 'pino';

export interface OutageLog {
  /** A call failed; `fields` (never a secret, never a prompt) go on the first line of the outage. */
  failed(err: unknown, fields?: Record<string, unknown>): void;
  /** A call succeeded: ends the outage, if one is on. */
  ok(): void;
  readonly down: boolean;
}

export interface OutageLogOptions {
  /** What the outage means for requests, added to the first line ("failing open"). */
  effect?: string;
  /** Shortest time between two summaries. Default one minute. */
  summaryMs?: number;
  now?: () => number;
}

/** An error's message (or a string as it is): the line must not carry a stack per request. */
const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function outageLog(logger: Logger, store: string, opts: OutageLogOptions = {}): OutageLog {
  const summaryMs = opts.summaryMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const startLine = opts.effect ? `${store} unreachable; ${opts.effect}` : `${store} unreachable`;
  let since = 0;
  let lastLine = 0;
  let total = 0;
  let sinceLine = 0;
  let down = false;

  return {
    failed(err, fields) {
      const t = now();
      total++;
      if (!down) {
        down = true;
        since = lastLine = t;
        total = 1;
        sinceLine = 0;
        logger.error({ ...fields, err: reason(err) }, startLine);
        return;
      }
      sinceLine++;
      if (t - lastLine < summaryMs) return;
      logger.warn({ failures: sinceLine, failures_total: total, since: new Date(since).toISOString(), err: reason(err) }, `${store} still unreachable`);
      lastLine = t;
      sinceLine = 0;
    },
    ok() {
      if (!down) return;
      down = false;
      logger.info({ failures_total: total, down_ms: now() - since }, `${store} reachable again`);
    },
    get down() {
      return down;
    },
  };
}
