/** Budget periods as UTC calendar windows: a label for the counter key and its lifetime. */
import type { BudgetPeriod } from '../../engine/stores/db/types.ts';

const DAY = 86_400_000;

export interface PeriodWindow {
  /** Part of the counter key: `2025-03-14`, `w2025-03-10`, `2025-03`, `total`. */
  label: string;
  /** Counter TTL: until the period ends, plus a day (undefined: forever). */
  ttlMs?: number;
}

export function periodWindow(period: BudgetPeriod, now = Date.now()): PeriodWindow {
  const d = new Date(now);
  switch (period) {
    case 'daily': {
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return { label: new Date(start).toISOString().slice(0, 10), ttlMs: start + 2 * DAY - now };
    }
    case 'weekly': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const start = day - ((d.getUTCDay() + 6) % 7) * DAY;
      return { label: 'w' + new Date(start).toISOString().slice(0, 10), ttlMs: start + 8 * DAY - now };
    }
    case 'monthly': {
      const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      return { label: d.toISOString().slice(0, 7), ttlMs: next + DAY - now };
    }
    case 'total':
      return { label: 'total' };
  }
}
