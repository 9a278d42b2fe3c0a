/** The audit table: who did what to which object, newest first, cursor-paginated; batched inserts. */
import type { AuditEntry, AuditQuery, AuditRow, Page } from './types.ts';
import type { Sql } from './tables.ts';
import { fromJson, pageSize, decodeCursor, encodeCursor } from './rows.ts';

/** An audit row as buffered: stamped when recorded, with the uid that makes a retried insert a no-op. */
export interface AuditInsert {
  uid: string;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  details: string;
}

export const toAuditInsert = (e: AuditEntry, uid: string, ts: string): AuditInsert => ({
  uid,
  ts,
  actor: e.actor,
  action: e.action,
  target: e.target ?? null,
  details: JSON.stringify(e.details ?? {}),
});

export function auditRepo(db: Sql) {
  return {
    async insert(rows: readonly AuditInsert[]): Promise<void> {
      await db
        .insertInto('audit')
        .values(rows as AuditInsert[])
        .onConflict((oc) => oc.column('uid').doNothing())
        .execute();
    },

    async query(q: AuditQuery = {}): Promise<Page<AuditRow>> {
      const limit = pageSize(q.limit);
      const before = decodeCursor(q.cursor);
      let query = db
        .selectFrom('audit')
        .select(['id', 'ts', 'actor', 'action', 'target', 'details'])
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (before) query = query.where('id', '<', before);
      if (q.actor) query = query.where('actor', '=', q.actor);
      if (q.action) query = query.where('action', '=', q.action);
      if (q.target) query = query.where('target', '=', q.target);
      if (q.from) query = query.where('ts', '>=', q.from);
      if (q.to) query = query.where('ts', '<', q.to);
      const rows = await query.execute();
      const more = rows.length > limit;
      const kept = more ? rows.slice(0, limit) : rows;
      return {
        data: kept.map((r) => ({ ...r, target: r.target ?? null, details: fromJson(r.details, {}) })),
        next_cursor: more ? encodeCursor(kept[kept.length - 1]!.id) : null,
      };
    },
  };
}
