/** Column (de)serialisation shared by the SQLite repositories: JSON columns and cursors. */

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

/** Cursors are opaque to clients: a base64url rowid. */
export const encodeCursor = (rowid: number): string => Buffer.from(String(rowid)).toString('base64url');

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Turn `limit + 1` fetched rows into a page with the next cursor. */
export function toPage<R extends { _rowid: number }, T>(rows: R[], limit: number, map: (r: R) => T): { data: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(map), next_cursor: more ? encodeCursor(kept[kept.length - 1]!._rowid) : null };
}

export const nowIso = (): string => new Date().toISOString();
