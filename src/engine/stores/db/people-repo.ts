/** The users and teams tables: statements prepared once, rows mapped to records. */
import type { Database } from 'better-sqlite3';
import type { BudgetSpec, ListQuery, NewTeam, NewUser, Page, TeamRecord, UserRecord } from './types.ts';
import { fromJson, toJson, pageSize, decodeCursor, toPage, nowIso } from './rows.ts';
import { newId } from './secrets.ts';

type Row = Record<string, unknown> & { _rowid: number };

const toUser = (r: Row): UserRecord => ({
  id: r.id as string,
  email: (r.email as string | null) ?? null,
  name: (r.name as string | null) ?? null,
  team_id: (r.team_id as string | null) ?? null,
  budget: fromJson<BudgetSpec | null>(r.budget, null),
  metadata: fromJson(r.metadata, {}),
  created_at: r.created_at as string,
});

const toTeam = (r: Row): TeamRecord => ({
  id: r.id as string,
  name: r.name as string,
  budget: fromJson<BudgetSpec | null>(r.budget, null),
  metadata: fromJson(r.metadata, {}),
  created_at: r.created_at as string,
});

export function usersRepo(db: Database) {
  const insert = db.prepare(`INSERT INTO users (id, email, name, team_id, budget, metadata, created_at)
    VALUES (@id, @email, @name, @team_id, @budget, @metadata, @created_at)`);
  const byId = db.prepare('SELECT rowid AS _rowid, * FROM users WHERE id = ?');
  const list = db.prepare(`SELECT rowid AS _rowid, * FROM users WHERE rowid > @after
    AND (@team_id IS NULL OR team_id = @team_id) ORDER BY rowid LIMIT @limit`);
  const update = db.prepare(`UPDATE users SET email = @email, name = @name, team_id = @team_id, budget = @budget,
    metadata = @metadata WHERE id = @id`);
  const del = db.prepare('DELETE FROM users WHERE id = ?');

  const get = (id: string): UserRecord | undefined => {
    const r = byId.get(id) as Row | undefined;
    return r && toUser(r);
  };
  const params = (u: NewUser & { id: string }) => ({
    id: u.id,
    email: u.email ?? null,
    name: u.name ?? null,
    team_id: u.team_id ?? null,
    budget: toJson(u.budget),
    metadata: toJson(u.metadata ?? {}),
  });

  return {
    get,
    create(input: NewUser): UserRecord {
      const id = input.id ?? newId('user');
      insert.run({ ...params({ ...input, id }), created_at: nowIso() });
      return get(id)!;
    },
    list(q: ListQuery = {}): Page<UserRecord> {
      const limit = pageSize(q.limit);
      return toPage(list.all({ after: decodeCursor(q.cursor) ?? 0, team_id: q.team_id ?? null, limit: limit + 1 }) as Row[], limit, toUser);
    },
    update(id: string, patch: NewUser): UserRecord | undefined {
      const cur = get(id);
      if (!cur) return undefined;
      update.run(params({ ...cur, ...patch, id }));
      return get(id);
    },
    delete: (id: string): boolean => del.run(id).changes > 0,
  };
}

export function teamsRepo(db: Database) {
  const insert = db.prepare('INSERT INTO teams (id, name, budget, metadata, created_at) VALUES (@id, @name, @budget, @metadata, @created_at)');
  const byId = db.prepare('SELECT rowid AS _rowid, * FROM teams WHERE id = ?');
  const list = db.prepare('SELECT rowid AS _rowid, * FROM teams WHERE rowid > @after ORDER BY rowid LIMIT @limit');
  const update = db.prepare('UPDATE teams SET name = @name, budget = @budget, metadata = @metadata WHERE id = @id');
  const del = db.prepare('DELETE FROM teams WHERE id = ?');

  const get = (id: string): TeamRecord | undefined => {
    const r = byId.get(id) as Row | undefined;
    return r && toTeam(r);
  };

  return {
    get,
    create(input: NewTeam): TeamRecord {
      const id = input.id ?? newId('team');
      insert.run({ id, name: input.name, budget: toJson(input.budget), metadata: toJson(input.metadata ?? {}), created_at: nowIso() });
      return get(id)!;
    },
    list(q: ListQuery = {}): Page<TeamRecord> {
      const limit = pageSize(q.limit);
      return toPage(list.all({ after: decodeCursor(q.cursor) ?? 0, limit: limit + 1 }) as Row[], limit, toTeam);
    },
    update(id: string, patch: Partial<NewTeam>): TeamRecord | undefined {
      const cur = get(id);
      if (!cur) return undefined;
      const next = { ...cur, ...patch };
      update.run({ id, name: next.name, budget: toJson(next.budget), metadata: toJson(next.metadata ?? {}) });
      return get(id);
    },
    delete: (id: string): boolean => del.run(id).changes > 0,
  };
}
