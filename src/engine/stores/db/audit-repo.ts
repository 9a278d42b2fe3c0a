/** The audit table: who did what to which object, newest first, cursor-paginated. */
import type { Database } from 'better-sqlite3';
import type { AuditEntry, AuditQuery, AuditRow, Page } from './types.ts';
import { fromJson, pageSize, decodeCursor, encodeCursor, nowIso } from './rows.ts';

export function auditRepo(db: Database) {
  const insert = db.prepare('INSERT INTO audit (ts, actor, action, target, details) VALUES (?, ?, ?, ?, ?)');
  const query = db.prepare(`SELECT id, ts, actor, action, target, details FROM audit
    WHERE (@before IS NULL OR id < @before) AND (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action)
    AND (@target IS NULL OR target = @target) AND (@from IS NULL OR ts >= @from) AND (@to IS NULL OR ts < @to)
    ORDER BY id DESC LIMIT @limit`);

  return {
    record(e: AuditEntry): void {
      insert.run(nowIso(), e.actor, e.action, e.target ?? null, JSON.stringify(e.details ?? {}));
    },
    query(q: AuditQuery = {}): Page<AuditRow> {
      const limit = pageSize(q.limit);
      const rows = query.all({
        before: decodeCursor(q.cursor) ?? null,
        actor: q.actor ?? null,
        action: q.action ?? null,
        target: q.target ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        limit: limit + 1,
      }) as Array<Omit<AuditRow, 'details'> & { details: string }>;
      const more = rows.length > limit;
      const kept = more ? rows.slice(0, limit) : rows;
      return {
        data: kept.map((r) => ({ ...r, details: fromJson(r.details, {}) })),
        next_cursor: more ? encodeCursor(kept[kept.length - 1]!.id) : null,
      };
    },
  };
}
