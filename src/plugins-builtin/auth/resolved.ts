/**
 * A key as the auth plugin checks it on every request: timestamps pre-parsed to numbers
 * and the Principal (with the key's stored limits and budgets, for the limit plugins)
 * built once per cache fill, so a cache hit does no allocation.
 */
import type { Principal } from '../../engine/context.ts';
import type { KeyLookup } from '../../engine/stores/db/types.ts';

export interface ResolvedKey {
  /** Its permissions are checked through permitOf (src/engine/routing/permits.ts). */
  principal: Principal;
  /** ms epoch after which the key is refused (expiry, revocation or end of grace); Infinity if none. */
  invalidAfter: number;
}

/**
 * An ISO date as ms; none is "never". A date Date cannot read (RFC 3339 allows a leap
 * second, `23:59:60`, which Date refuses) counts as passed: failing closed, since a NaN
 * would make the key's expiry never arrive.
 */
const ms = (iso: string | null): number => {
  if (!iso) return Infinity;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
};

export function resolveKey(k: KeyLookup): ResolvedKey {
  const p = k.permissions ?? {};
  const principal: Principal = Object.freeze({
    keyId: k.id,
    keyPrefix: k.prefix,
    keyName: k.name ?? undefined,
    userId: k.user_id ?? undefined,
    teamId: k.team_id ?? undefined,
    permissions: Object.keys(p).length ? Object.freeze({ ...p }) : undefined,
    metadata: Object.freeze({ ...k.metadata }),
    limits: Object.freeze({ ...k.limits }),
    budgets: Object.freeze({ key: k.budget, user: k.user_budget, team: k.team_budget }),
  });
  return {
    principal,
    invalidAfter: Math.min(ms(k.expires_at), ms(k.revoked_at), ms(k.grace_until)),
  };
}
