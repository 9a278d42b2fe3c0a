/**
 * `use: auth` — API-key authentication and permissions. Reads `Authorization: Bearer`
 * or `x-api-key`, looks the sha256 of the key up (config `keys:` first, then the
 * database through a short LRU+TTL cache), refuses expired, revoked or out-of-grace keys
 * (401) and requests outside the key's endpoints/models/providers (403), and sets
 * `ctx.principal` (with the key's stored limits and budgets, read by rate-limit and budget).
 *
 * @example
 *   pipeline:
 *     - use: auth
 *       config: { cache_ttl_ms: 5000 }
 */
import { createHash } from 'node:crypto';
import type { PluginDefinition } from '../../engine/types.ts';
import { gatewayError } from '../../engine/errors.ts';
import { presentedKey } from '../../engine/admin/auth.ts';
import { dbOf, onKeyChange, type GatewayDb } from '../../engine/stores/db/index.ts';
import schema from './schema.json' with { type: 'json' };
import { TtlLru } from './cache.ts';
import { resolveKey, type ResolvedKey } from './resolved.ts';
import { loadStaticKeys } from './static-keys.ts';
import { deniedBecause } from './check.ts';

export interface AuthConfig {
  cache_ttl_ms: number;
  cache_size: number;
  static_only: boolean;
}

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

const auth: PluginDefinition<AuthConfig> = {
  name: 'auth',
  version: '1.0.0',
  engine: '^1',
  description: 'API-key authentication (Bearer or x-api-key) with per-key model, endpoint and provider permissions.',
  configSchema: schema,
  async create(config, env) {
    const staticKeys = loadStaticKeys(env.config.keys);
    const db: GatewayDb | undefined = config.static_only ? undefined : dbOf(env.stores);
    const cache = new TtlLru<ResolvedKey | null>(config.cache_size, config.cache_ttl_ms);
    const stopListening = db ? await onKeyChange(env.stores.state, () => cache.clear()) : undefined;
    const failures = env.metrics.counter({
      name: 'gateway_auth_failures_total',
      help: 'Requests refused by the auth plugin, by reason',
      labelNames: ['reason'] as const,
    });

    async function lookup(hash: string): Promise<ResolvedKey | null> {
      const s = staticKeys.get(hash);
      if (s) return s;
      if (!db) return null;
      const hit = cache.get(hash);
      if (hit !== undefined) return hit;
      const row = await db.findKeyByHash(hash);
      const resolved = row ? resolveKey(row) : null;
      cache.set(hash, resolved);
      return resolved;
    }

    return {
      async onRequest(ctx) {
        const secret = presentedKey(ctx.headers as Record<string, string>);
        if (!secret) {
          failures.inc({ reason: 'missing' });
          throw gatewayError('GW_ERR_UNAUTHORIZED');
        }
        const key = await lookup(sha256hex(secret));
        if (!key || Date.now() >= key.invalidAfter) {
          failures.inc({ reason: key ? 'expired_or_revoked' : 'unknown' });
          throw gatewayError('GW_ERR_UNAUTHORIZED');
        }
        const denied = deniedBecause(key, ctx, env.models);
        if (denied) {
          failures.inc({ reason: denied });
          ctx.log.info({ key: key.principal.keyPrefix, denied }, 'request outside key permissions');
          throw gatewayError('GW_ERR_FORBIDDEN', { message: `This API key may not use this ${denied}.` });
        }
        ctx.principal = key.principal;
      },
      async close() {
        await stopListening?.();
        cache.clear();
      },
    };
  },
};

export default auth;
