/** The api_keys table: statements prepared once, rows mapped to ApiKeyRecord. */
import type { Database } from 'better-sqlite3';
import type { ApiKeyRecord, BudgetSpec, KeyLookup, KeyPatch, ListQuery, NewKey, Page } from './types.ts';
import { fromJson, toJson, pageSize, decodeCursor, toPage, nowIso } from './rows.ts';
import { hashSecret, newId, newSecret, visiblePrefix } from './secrets.ts';

type KeyRow = Record<string, unknown> & { _rowid: number };

function toRecord(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id as string,
    prefix: r.prefix as string,
    name: (r.name as string | null) ?? null,
    user_id: (r.user_id as string | null) ?? null,
    team_id: (r.team_id as string | null) ?? null,
    permissions: fromJson(r.permissions, {}),
    limits: fromJson(r.limits, {}),
    budget: fromJson<BudgetSpec | null>(r.budget, null),
    metadata: fromJson(r.metadata, {}),
    expires_at: (r.expires_at as string | null) ?? null,
    revoked_at: (r.revoked_at as string | null) ?? null,
    created_at: r.created_at as string,
    rotated_from: (r.rotated_from as string | null) ?? null,
    grace_until: (r.grace_until as string | null) ?? null,
  };
}

const COLS =
  'rowid AS _rowid, id, prefix, name, user_id, team_id, permissions, limits, budget, expires_at, revoked_at, metadata, created_at, rotated_from, grace_until';
const K_COLS = COLS.split(', ')
  .map((c) => (c.startsWith('rowid') ? 'k.rowid AS _rowid' : `k.${c}`))
  .join(', ');

export function keysRepo(db: Database) {
  const insert =
    db.prepare(`INSERT INTO api_keys (id, hash, prefix, name, user_id, team_id, permissions, limits, budget, expires_at, metadata, created_at, rotated_from)
    VALUES (@id, @hash, @prefix, @name, @user_id, @team_id, @permissions, @limits, @budget, @expires_at, @metadata, @created_at, @rotated_from)`);
  const byId = db.prepare(`SELECT ${COLS} FROM api_keys WHERE id = ?`);
  const byHash = db.prepare(`SELECT ${K_COLS}, u.budget AS user_budget, t.budget AS team_budget FROM api_keys k
    LEFT JOIN users u ON u.id = k.user_id LEFT JOIN teams t ON t.id = k.team_id WHERE k.hash = ?`);
  const list = db.prepare(`SELECT ${COLS} FROM api_keys WHERE rowid > @after
    AND (@user_id IS NULL OR user_id = @user_id) AND (@team_id IS NULL OR team_id = @team_id) ORDER BY rowid LIMIT @limit`);
  const update = db.prepare(`UPDATE api_keys SET name = @name, user_id = @user_id, team_id = @team_id, permissions = @permissions,
    limits = @limits, budget = @budget, metadata = @metadata, expires_at = @expires_at WHERE id = @id`);
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?');
  const setGrace = db.prepare('UPDATE api_keys SET grace_until = ? WHERE id = ?');

  function create(input: NewKey, rotatedFrom: string | null = null): { record: ApiKeyRecord; secret: string } {
    const secret = newSecret();
    const id = newId('key');
    insert.run({
      id,
      hash: hashSecret(secret),
      prefix: visiblePrefix(secret),
      name: input.name ?? null,
      user_id: input.user_id ?? null,
      team_id: input.team_id ?? null,
      permissions: toJson(input.permissions ?? {}),
      limits: toJson(input.limits ?? {}),
      budget: toJson(input.budget),
      expires_at: input.expires_at ?? null,
      metadata: toJson(input.metadata ?? {}),
      created_at: nowIso(),
      rotated_from: rotatedFrom,
    });
    return { record: get(id)!, secret };
  }

  function get(id: string): ApiKeyRecord | undefined {
    const r = byId.get(id) as KeyRow | undefined;
    return r && toRecord(r);
  }

  const rotateTx = db.transaction((id: string, graceSeconds: number) => {
    const old = get(id);
    if (!old) return undefined;
    const { record, secret } = create(
      {
        name: old.name ?? undefined,
        user_id: old.user_id ?? undefined,
        team_id: old.team_id ?? undefined,
        permissions: old.permissions,
        limits: old.limits,
        budget: old.budget,
        metadata: old.metadata,
        expires_at: old.expires_at,
      },
      id,
    );
    const now = Date.now();
    if (graceSeconds > 0) setGrace.run(new Date(now + graceSeconds * 1000).toISOString(), id);
    else revoke.run(new Date(now).toISOString(), id);
    return { record, secret, old: get(id)! };
  });

  return {
    create,
    get,
    findByHash(hash: string): KeyLookup | undefined {
      const r = byHash.get(hash) as KeyRow | undefined;
      if (!r) return undefined;
      return { ...toRecord(r), user_budget: fromJson(r.user_budget, null), team_budget: fromJson(r.team_budget, null) };
    },
    list(q: ListQuery = {}): Page<ApiKeyRecord> {
      const limit = pageSize(q.limit);
      const rows = list.all({ after: decodeCursor(q.cursor) ?? 0, user_id: q.user_id ?? null, team_id: q.team_id ?? null, limit: limit + 1 }) as KeyRow[];
      return toPage(rows, limit, toRecord);
    },
    update(id: string, patch: KeyPatch): ApiKeyRecord | undefined {
      const cur = get(id);
      if (!cur) return undefined;
      const next: KeyPatch = { ...(cur as KeyPatch), ...patch };
      update.run({
        id,
        name: next.name ?? null,
        user_id: next.user_id ?? null,
        team_id: next.team_id ?? null,
        permissions: toJson(next.permissions ?? {}),
        limits: toJson(next.limits ?? {}),
        budget: toJson(next.budget),
        metadata: toJson(next.metadata ?? {}),
        expires_at: next.expires_at ?? null,
      });
      return get(id);
    },
    revoke(id: string): ApiKeyRecord | undefined {
      return revoke.run(nowIso(), id).changes ? get(id) : undefined;
    },
    rotate: (id: string, graceSeconds: number) => rotateTx(id, graceSeconds),
  };
}
