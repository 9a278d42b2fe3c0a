/** The users and teams tables, one set of Kysely queries for both dialects; rows mapped to records. */
import type { Selectable } from 'kysely';
import type { BudgetSpec, ListQuery, NewTeam, NewUser, Page, TeamRecord, UserRecord } from './types.ts';
import type { Sql, TeamsTable, UsersTable } from './tables.ts';
import { fromJson, toJson, pageSize, decodeKeyset, afterKeyset, toPage, nowIso } from './rows.ts';
import { newId } from './secrets.ts';

const toUser = (r: Selectable<UsersTable>): UserRecord => ({
  id: r.id,
  email: r.email ?? null,
  name: r.name ?? null,
  team_id: r.team_id ?? null,
  budget: fromJson<BudgetSpec | null>(r.budget, null),
  metadata: fromJson(r.metadata, {}),
  created_at: r.created_at,
});

const toTeam = (r: Selectable<TeamsTable>): TeamRecord => ({
  id: r.id,
  name: r.name,
  budget: fromJson<BudgetSpec | null>(r.budget, null),
  metadata: fromJson(r.metadata, {}),
  created_at: r.created_at,
});

const userColumns = (u: NewUser) => ({
  email: u.email ?? null,
  name: u.name ?? null,
  team_id: u.team_id ?? null,
  budget: toJson(u.budget),
  metadata: toJson(u.metadata ?? {})!,
});

const teamColumns = (t: NewTeam) => ({ name: t.name, budget: toJson(t.budget), metadata: toJson(t.metadata ?? {})! });

export function usersRepo(db: Sql) {
  const get = async (id: string): Promise<UserRecord | undefined> => {
    const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  };

  return {
    get,
    async create(input: NewUser): Promise<UserRecord> {
      const row = { id: input.id ?? newId('user'), ...userColumns(input), created_at: nowIso() };
      return toUser(await db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow());
    },
    async list(q: ListQuery = {}): Promise<Page<UserRecord>> {
      const limit = pageSize(q.limit);
      const after = decodeKeyset(q.cursor);
      let query = db
        .selectFrom('users')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after) query = query.where(afterKeyset(after));
      if (q.team_id) query = query.where('team_id', '=', q.team_id);
      return toPage(await query.execute(), limit, toUser);
    },
    async update(id: string, patch: NewUser): Promise<UserRecord | undefined> {
      const cur = await get(id);
      if (!cur) return undefined;
      const row = await db
        .updateTable('users')
        .set(userColumns({ ...cur, ...patch }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toUser(row);
    },
    delete: async (id: string): Promise<boolean> => (await db.deleteFrom('users').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n,
  };
}

export function teamsRepo(db: Sql) {
  const get = async (id: string): Promise<TeamRecord | undefined> => {
    const r = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toTeam(r);
  };

  return {
    get,
    async create(input: NewTeam): Promise<TeamRecord> {
      const row = { id: input.id ?? newId('team'), ...teamColumns(input), created_at: nowIso() };
      return toTeam(await db.insertInto('teams').values(row).returningAll().executeTakeFirstOrThrow());
    },
    async list(q: ListQuery = {}): Promise<Page<TeamRecord>> {
      const limit = pageSize(q.limit);
      const after = decodeKeyset(q.cursor);
      let query = db
        .selectFrom('teams')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after) query = query.where(afterKeyset(after));
      return toPage(await query.execute(), limit, toTeam);
    },
    async update(id: string, patch: Partial<NewTeam>): Promise<TeamRecord | undefined> {
      const cur = await get(id);
      if (!cur) return undefined;
      const row = await db
        .updateTable('teams')
        .set(teamColumns({ ...cur, ...patch }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toTeam(row);
    },
    delete: async (id: string): Promise<boolean> => (await db.deleteFrom('teams').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n,
  };
}
