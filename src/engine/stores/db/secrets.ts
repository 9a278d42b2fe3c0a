/**
 * API key secrets: `gw-` + 43 base64url characters (256 random bits). Only the sha256
 * hex digest is stored; the first characters form a visible prefix (`gw-ab12cd…`) that
 * identifies a key in lists and logs without revealing it.
 *
 * @example
 *   const secret = newSecret();          // 'gw-Q3v…' shown once
 *   hashSecret(secret);                  // 64 hex chars, what the db keeps
 *   visiblePrefix(secret);               // 'gw-Q3v9kT…'
 */
import { createHash, randomBytes } from 'node:crypto';

export const newSecret = (): string => 'gw-' + randomBytes(32).toString('base64url');

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const visiblePrefix = (secret: string): string => secret.slice(0, 9) + '…';

let lastMs = 0;
let seq = 0;

/**
 * An id with a readable type prefix, e.g. `key_mfx2k9a1c000f3a9…`: the creation time and a
 * per-process sequence (lower-case base 36, fixed width, so text order is creation order
 * in SQLite and in PostgreSQL's collations), then random bits. Lists page by
 * (created_at, id): rows made in the same millisecond must still come oldest first.
 */
export function newId(kind: 'key' | 'user' | 'team'): string {
  const now = Date.now();
  seq = now === lastMs ? seq + 1 : 0;
  lastMs = now;
  return `${kind}_${now.toString(36).padStart(9, '0')}${seq.toString(36).padStart(3, '0')}${randomBytes(6).toString('hex')}`;
}
