/**
 * The usage table: batched inserts (rows come from the write buffer) and spend totals
 * grouped by key, user, team, model or day. One set of Kysely queries for both dialects.
 */
import { sql } from 'kysely';
import type { UsageGroup, UsageQuery, UsageRow, UsageTotals } from './types.ts';
import type { Sql } from './tables.ts';

/** A usage row as buffered: with the uid that makes a retried insert a no-op. */
export type UsageInsert = UsageRow & { uid: string };

const GROUP_EXPR = {
  key: sql.ref('key_id'),
  user: sql.ref('user_id'),
  team: sql.ref('team_id'),
  model: sql.ref('model'),
  day: sql`substr(ts, 1, 10)`,
} satisfies Record<UsageGroup, unknown>;

export function usageRepo(db: Sql) {
  return {
    /** One statement per batch; a row whose uid is already stored is skipped. */
    async insert(rows: readonly UsageInsert[]): Promise<void> {
      await db
        .insertInto('usage')
        .values(rows as UsageInsert[])
        .onConflict((oc) => oc.column('uid').doNothing())
        .execute();
    },

    async query(q: UsageQuery): Promise<UsageTotals[]> {
      let query = db
        .selectFrom('usage')
        .select((eb) => [
          sql<string | null>`${GROUP_EXPR[q.group_by]}`.as('group'),
          eb.fn.countAll<number>().as('requests'),
          eb.fn.sum<number>('tokens_in').as('tokens_in'),
          eb.fn.sum<number>('tokens_out').as('tokens_out'),
          eb.fn.sum<number>('tokens_cached').as('tokens_cached'),
          eb.fn.sum<number>('cost').as('cost'),
        ])
        .groupBy(sql`1`)
        .orderBy('cost', 'desc')
        .orderBy(sql`1`, (ob) => ob.asc().nullsFirst());
      if (q.from) query = query.where('ts', '>=', q.from);
      if (q.to) query = query.where('ts', '<', q.to);
      if (q.key_id) query = query.where('key_id', '=', q.key_id);
      if (q.user_id) query = query.where('user_id', '=', q.user_id);
      if (q.team_id) query = query.where('team_id', '=', q.team_id);
      if (q.model) query = query.where('model', '=', q.model);
      return query.execute();
    },
  };
}
