/** Column (de)serialisation shared by the repositories: JSON columns, pages and cursors. */
import { sql, type RawBuilder } from 'kysely';

export const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export function fromJson<T>(s: unknown, fallback: T): T {
  if (typeof s !== 'string' || s === '') return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

/** Page size: default 50, at most 500. */
export const pageSize = (limit: number | undefined): number => Math.min(Math.max(1, limit ?? 50), 500);

/** Audit cursors are opaque to clients: a base64url row id. */
export const encodeCursor = (id: number): string => Buffer.from(String(id)).toString('base64url');

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Where a creation-ordered listing (keys, users, teams) resumes: the last row's (created_at, id). */
export interface Keyset {
  created_at: string;
  id: string;
}

export const encodeKeyset = (k: Keyset): string => Buffer.from(`${k.created_at}\n${k.id}`).toString('base64url');

export function decodeKeyset(cursor: string | undefined): Keyset | undefined {
  if (!cursor) return undefined;
  const [created_at, id, extra] = Buffer.from(cursor, 'base64url').toString().split('\n');
  return created_at && id && extra === undefined ? { created_at, id } : undefined;
}

/** Rows after a keyset, in (created_at, id) order: one row-value comparison both dialects know. */
export const afterKeyset = (k: Keyset): RawBuilder<boolean> => sql<boolean>`(created_at, id) > (${k.created_at}, ${k.id})`;

/** Turn `limit + 1` fetched rows into a page with the next cursor. */
export function toPage<R extends Keyset, T>(rows: R[], limit: number, map: (r: R) => T): { data: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(map), next_cursor: more ? encodeKeyset(kept[kept.length - 1]!) : null };
}

export const nowIso = (): string => new Date().toISOString();
