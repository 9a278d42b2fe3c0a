/** The api_keys table, one set of Kysely queries for both dialects; rows mapped to ApiKeyRecord. */
import type { Selectable } from 'kysely';
import type { ApiKeyRecord, BudgetSpec, KeyLookup, KeyPatch, ListQuery, NewKey, Page } from './types.ts';
import type { ApiKeysTable, Sql } from './tables.ts';
import { fromJson, toJson, pageSize, decodeKeyset, afterKeyset, toPage, nowIso } from './rows.ts';
import { hashSecret, newId, newSecret, visiblePrefix } from './secrets.ts';

type KeyRow = Omit<Selectable<ApiKeysTable>, 'hash'>;

/** Every column but the hash: it never leaves the database. */
const COLS = [
  'id',
  'prefix',
  'name',
  'user_id',
  'team_id',
  'permissions',
  'limits',
  'budget',
  'expires_at',
  'revoked_at',
  'metadata',
  'created_at',
  'rotated_from',
  'grace_until',
] as const;

function toRecord(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    prefix: r.prefix,
    name: r.name ?? null,
    user_id: r.user_id ?? null,
    team_id: r.team_id ?? null,
    permissions: fromJson(r.permissions, {}),
    limits: fromJson(r.limits, {}),
    budget: fromJson<BudgetSpec | null>(r.budget, null),
    metadata: fromJson(r.metadata, {}),
    expires_at: r.expires_at ?? null,
    revoked_at: r.revoked_at ?? null,
    created_at: r.created_at,
    rotated_from: r.rotated_from ?? null,
    grace_until: r.grace_until ?? null,
  };
}

/** The writable columns of a key, as stored. */
const columnsOf = (k: KeyPatch) => ({
  name: k.name ?? null,
  user_id: k.user_id ?? null,
  team_id: k.team_id ?? null,
  permissions: toJson(k.permissions ?? {})!,
  limits: toJson(k.limits ?? {})!,
  budget: toJson(k.budget),
  metadata: toJson(k.metadata ?? {})!,
  expires_at: k.expires_at ?? null,
});

export function keysRepo(db: Sql) {
  async function get(id: string, q: Sql = db): Promise<ApiKeyRecord | undefined> {
    const r = await q.selectFrom('api_keys').select(COLS).where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  async function create(input: NewKey, rotatedFrom: string | null = null, q: Sql = db): Promise<{ record: ApiKeyRecord; secret: string }> {
    const secret = newSecret();
    const row = await q
      .insertInto('api_keys')
      .values({
        id: newId('key'),
        hash: hashSecret(secret),
        prefix: visiblePrefix(secret),
        ...columnsOf(input),
        created_at: nowIso(),
        rotated_from: rotatedFrom,
      })
      .returning(COLS)
      .executeTakeFirstOrThrow();
    return { record: toRecord(row), secret };
  }

  return {
    create: (input: NewKey) => create(input),
    get: (id: string) => get(id),

    async findByHash(hash: string): Promise<KeyLookup | undefined> {
      const r = await db
        .selectFrom('api_keys as k')
        .leftJoin('users as u', 'u.id', 'k.user_id')
        .leftJoin('teams as t', 't.id', 'k.team_id')
        .select(COLS.map((c) => `k.${c}` as const))
        .select(['u.budget as user_budget', 't.budget as team_budget'])
        .where('k.hash', '=', hash)
        .executeTakeFirst();
      if (!r) return undefined;
      return { ...toRecord(r), user_budget: fromJson(r.user_budget, null), team_budget: fromJson(r.team_budget, null) };
    },

    async list(q: ListQuery = {}): Promise<Page<ApiKeyRecord>> {
      const limit = pageSize(q.limit);
      const after = decodeKeyset(q.cursor);
      let query = db
        .selectFrom('api_keys')
        .select(COLS)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after) query = query.where(afterKeyset(after));
      if (q.user_id) query = query.where('user_id', '=', q.user_id);
      if (q.team_id) query = query.where('team_id', '=', q.team_id);
      return toPage(await query.execute(), limit, toRecord);
    },

    async update(id: string, patch: KeyPatch): Promise<ApiKeyRecord | undefined> {
      const cur = await get(id);
      if (!cur) return undefined;
      const row = await db
        .updateTable('api_keys')
        .set(columnsOf({ ...(cur as KeyPatch), ...patch }))
        .where('id', '=', id)
        .returning(COLS)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async revoke(id: string): Promise<ApiKeyRecord | undefined> {
      const row = await db
        .updateTable('api_keys')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(nowIso())) }))
        .where('id', '=', id)
        .returning(COLS)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    /** A new key replaces `id`; the old one stays valid `graceSeconds` more (0: revoked now). */
    rotate(id: string, graceSeconds: number) {
      return db.transaction().execute(async (trx) => {
        const old = await get(id, trx);
        if (!old) return undefined;
        const { record, secret } = await create(old as KeyPatch, id, trx);
        const until = new Date(Date.now() + graceSeconds * 1000).toISOString();
        await trx
          .updateTable('api_keys')
          .set(graceSeconds > 0 ? { grace_until: until } : { revoked_at: until })
          .where('id', '=', id)
          .execute();
        return { record, secret, old: (await get(id, trx))! };
      });
    },
  };
}
