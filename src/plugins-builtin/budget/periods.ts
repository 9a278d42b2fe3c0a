/** Budget periods as UTC calendar windows: a label for the counter key and its lifetime. */
import type { BudgetPeriod } from '../../engine/stores/db/types.ts';

const DAY = 86_400_000;

export interface PeriodWindow {
  /** Part of the counter key: `2025-03-14`, `w2025-03-10`, `2025-03`, `total`. */
  label: string;
  /** Counter TTL: until the period ends, plus a day (undefined: forever). */
  ttlMs?: number;
}

/** The window a period was last in, [from, until): its label holds until the period ends. */
interface Known {
  from: number;
  until: number;
  label: string;
  /** When the counter may expire: the period's end plus a day. */
  expires: number;
}
const known = new Map<BudgetPeriod, Known>();

/**
 * The window `now` falls in. Every budgeted request asks, so the calendar arithmetic (Date
 * objects, an ISO string) runs once per period and process, not once per request.
 */
export function periodWindow(period: BudgetPeriod, now = Date.now()): PeriodWindow {
  if (period === 'total') return { label: 'total' };
  let k = known.get(period);
  if (!k || now < k.from || now >= k.until) known.set(period, (k = windowOf(period, now)));
  return { label: k.label, ttlMs: k.expires - now };
}

function windowOf(period: Exclude<BudgetPeriod, 'total'>, now: number): Known {
  const d = new Date(now);
  switch (period) {
    case 'daily': {
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return { from: start, until: start + DAY, label: new Date(start).toISOString().slice(0, 10), expires: start + 2 * DAY };
    }
    case 'weekly': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const start = day - ((d.getUTCDay() + 6) % 7) * DAY;
      return { from: start, until: start + 7 * DAY, label: 'w' + new Date(start).toISOString().slice(0, 10), expires: start + 8 * DAY };
    }
    case 'monthly': {
      const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), until: next, label: d.toISOString().slice(0, 7), expires: next + DAY };
    }
  }
}
