/**
 * Keys declared in the config's `keys:` list. Each item is validated against
 * STATIC_KEY_SCHEMA, its secret hashed at once and dropped: only the hash stays in
 * memory. The key id is `static:<name>` (stable across reloads, so limits and usage
 * follow the key).
 *
 * @example
 *   keys:
 *     - { name: ci, key: ${CI_GATEWAY_KEY}, models: [gpt-4o-mini], limits: { rpm: 60 } }
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { STATIC_KEY_SCHEMA } from '../../engine/stores/db/schemas.ts';
import { hashSecret } from '../../engine/stores/db/secrets.ts';
import type { BudgetSpec, KeyLimits, KeyLookup, KeyPermissions } from '../../engine/stores/db/types.ts';
import { resolveKey, type ResolvedKey } from './resolved.ts';

interface StaticKeyItem extends KeyPermissions {
  name: string;
  key: string;
  user_id?: string;
  team_id?: string;
  limits?: KeyLimits;
  budget?: BudgetSpec | null;
  metadata?: Record<string, unknown>;
  expires_at?: string | null;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateItem = ajv.compile<StaticKeyItem>(STATIC_KEY_SCHEMA);

/** Hash → resolved key. Throws (naming the item and field, never the secret) on a bad item. */
export function loadStaticKeys(items: readonly unknown[] | undefined): Map<string, ResolvedKey> {
  const byHash = new Map<string, ResolvedKey>();
  const names = new Set<string>();
  (items ?? []).forEach((item, i) => {
    if (!validateItem(item)) {
      const e = validateItem.errors![0]!;
      throw new Error(`keys[${i}]${e.instancePath.replace(/\//g, '.')}: ${e.message}`);
    }
    if (names.has(item.name)) throw new Error(`keys[${i}].name: "${item.name}" is used twice`);
    names.add(item.name);
    const permissions: KeyPermissions = {};
    if (item.models) permissions.models = item.models;
    if (item.endpoints) permissions.endpoints = item.endpoints;
    if (item.providers) permissions.providers = item.providers;
    const lookup: KeyLookup = {
      id: `static:${item.name}`,
      prefix: `static:${item.name}`,
      name: item.name,
      user_id: item.user_id ?? null,
      team_id: item.team_id ?? null,
      permissions,
      limits: item.limits ?? {},
      budget: item.budget ?? null,
      metadata: item.metadata ?? {},
      expires_at: item.expires_at ?? null,
      revoked_at: null,
      created_at: '',
      rotated_from: null,
      grace_until: null,
      user_budget: null,
      team_budget: null,
    };
    byHash.set(hashSecret(item.key), resolveKey(lookup));
  });
  return byHash;
}
