/**
 * Retention: usage and audit rows older than `stores.db.retention` are deleted, an hour
 * apart (first a minute after start), in slices of 5,000 rows so neither database holds
 * a long lock. Every replica runs it; deletes by age are idempotent, so replicas running
 * together only share the work. No setting: rows are kept.
 *
 * @example
 *   const stop = startRetention(sql, { usage_days: 90, audit_days: 365 }, logger);
 *   await purgeOnce(sql, { usage_days: 90 });   // → { usage: 1234, audit: 0 }
 */
import type { Logger } from 'pino';
import type { Sql } from './tables.ts';

export interface RetentionConfig {
  /** Days of usage rows kept (by their timestamp). */
  usage_days?: number;
  /** Days of audit rows kept. */
  audit_days?: number;
}

const SLICE = 5000;
const HOUR_MS = 3_600_000;
const FIRST_RUN_MS = 60_000;

async function purgeTable(db: Sql, table: 'usage' | 'audit', days: number, now: number): Promise<number> {
  const cutoff = new Date(now - days * 86_400_000).toISOString();
  let total = 0;
  for (;;) {
    const oldest = db.selectFrom(table).select('id').where('ts', '<', cutoff).limit(SLICE);
    const r = await db.deleteFrom(table).where('id', 'in', oldest).executeTakeFirst();
    const n = Number(r.numDeletedRows);
    total += n;
    if (n < SLICE) return total;
  }
}

/** Delete what is past retention now; returns the rows deleted per table. */
export async function purgeOnce(db: Sql, cfg: RetentionConfig, now = Date.now()): Promise<{ usage: number; audit: number }> {
  return {
    usage: cfg.usage_days ? await purgeTable(db, 'usage', cfg.usage_days, now) : 0,
    audit: cfg.audit_days ? await purgeTable(db, 'audit', cfg.audit_days, now) : 0,
  };
}

/** Run `purgeOnce` on a timer; returns the function that stops it. */
export function startRetention(db: Sql, cfg: RetentionConfig | undefined, logger: Logger): () => void {
  if (!cfg?.usage_days && !cfg?.audit_days) return () => undefined;
  let timer: NodeJS.Timeout;
  const run = async () => {
    try {
      const n = await purgeOnce(db, cfg);
      if (n.usage || n.audit) logger.info({ deleted: n }, 'db: rows past retention deleted');
    } catch (err) {
      logger.warn({ code: (err as { code?: string }).code }, 'db: retention run failed; next run in an hour');
    }
    timer = setTimeout(() => void run(), HOUR_MS).unref();
  };
  timer = setTimeout(() => void run(), FIRST_RUN_MS).unref();
  return () => clearTimeout(timer);
}
