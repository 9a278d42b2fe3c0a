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

/** A short random id with a readable type prefix, e.g. `key_3f9a…`. */
export const newId = (kind: 'key' | 'user' | 'team'): string => `${kind}_${randomBytes(9).toString('base64url')}`;
