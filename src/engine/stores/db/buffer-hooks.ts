/**
 * What the write buffers report, made visible: Prometheus metrics (rows waiting, failed
 * batch writes, rows dropped by reason) and one log line per change of state — the first
 * failure of an outage, the recovery, the first drop — not one per attempt or per row.
 */
import type { Logger } from 'pino';
import type { MetricsRegistry } from '../../metrics.ts';
import type { Availability } from './availability.ts';
import { reasonOf } from './availability.ts';
import type { BufferHooks, BufferedTable } from './write-buffer.ts';

export function bufferHooks(metrics: MetricsRegistry | undefined, logger: Logger, availability: Availability): BufferHooks {
  const dropped = metrics?.counter({
    name: 'gateway_db_rows_dropped_total',
    help: 'Usage and audit rows dropped before reaching the database, by table and reason',
    labelNames: ['table', 'reason'] as const,
  });
  const buffered = metrics?.gauge({
    name: 'gateway_db_rows_buffered',
    help: 'Usage and audit rows waiting in memory for the database',
    labelNames: ['table'] as const,
  });
  const writeErrors = metrics?.counter({
    name: 'gateway_db_write_errors_total',
    help: 'Batch writes of usage or audit rows that failed (rows kept and retried)',
    labelNames: ['table'] as const,
  });
  const failing = new Set<BufferedTable>();
  const droppingSince = new Map<BufferedTable, number>();

  return {
    dropped(table, n, reason, err) {
      dropped?.inc({ table, reason }, n);
      // One line per episode of drops (a recovered write ends it), with the running count.
      const before = droppingSince.get(table);
      droppingSince.set(table, (before ?? 0) + n);
      if (before === undefined || reason !== 'buffer_full')
        logger.error({ table, reason, rows: n, code: err && (err as { code?: string }).code }, 'db: rows dropped (counted in gateway_db_rows_dropped_total)');
    },
    writeFailed(table, err) {
      if (err) {
        writeErrors?.inc({ table });
        availability.fail(err);
        if (!failing.has(table))
          logger.warn({ table, reason: reasonOf(err), code: (err as { code?: string }).code }, 'db: write failed; rows kept in memory and retried');
        failing.add(table);
        return;
      }
      availability.ok();
      failing.delete(table);
      const lost = droppingSince.get(table);
      droppingSince.delete(table);
      logger.info({ table, dropped_meanwhile: lost ?? 0 }, 'db: buffered rows written again');
    },
    waiting(table, n) {
      buffered?.set({ table }, n);
    },
  };
}
