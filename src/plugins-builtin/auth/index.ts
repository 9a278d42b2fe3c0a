/**
 * `use: auth` — API-key authentication and permissions. Reads `Authorization: Bearer`
 * or `x-api-key` in the headers phase — before the body is read, so a client without a
 * valid key is refused without sending it — looks the sha256 of the key up (config `keys:` first, then the
 * database through a short LRU+TTL cache), refuses expired, revoked or out-of-grace keys
 * (401) and requests outside the key's endpoints (403, also from the headers) or
 * models/providers (403, once the body names the model), and sets
 * `ctx.principal` (with the key's stored limits and budgets, read by rate-limit and budget).
 * When the database cannot be reached, a key verified less than
 * `cache_ttl_ms + stale_if_error_ms` ago keeps working; any other key gets 503.
 *
 * @example
 *   pipeline:
 *     - use: auth
 *       config: { cache_ttl_ms: 5000 }
 */
import { createHash } from 'node:crypto';
import type { PluginDefinition } from '../../engine/types.ts';
import { stateKey, type RequestContext } from '../../engine/context.ts';
import { permitOf } from '../../engine/routing/permits.ts';
import { gatewayError, GatewayError } from '../../engine/errors.ts';
import { outageLog } from '../../engine/log-limit.ts';
import { reasonOf } from '../../engine/stores/db/availability.ts';
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
  /** Schema default 300000; absent (a config built by hand) means no outage allowance. */
  stale_if_error_ms?: number;
  static_only: boolean;
}

/** After a failed database lookup, a stale entry answers this long before the database is asked again. */
const RETRY_DB_MS = 1000;

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
    const cache = new TtlLru<ResolvedKey | null>(config.cache_size, config.cache_ttl_ms, config.stale_if_error_ms ?? 0);
    const stopListening = db ? await onKeyChange(env.stores.state, () => cache.clear()) : undefined;
    const failures = env.metrics.counter({
      name: 'gateway_auth_failures_total',
      help: 'Requests refused by the auth plugin, by reason',
      labelNames: ['reason'] as const,
    });
    const staleServed = env.metrics.counter({
      name: 'gateway_auth_stale_lookups_total',
      help: 'Keys answered from the auth cache past its TTL because the database was unreachable',
    });

    // Key lookups failing for want of a database: logged at a bounded rate, never the key.
    const outage = outageLog(env.logger, 'auth key store', { effect: 'keys verified recently still answer, others get 503' });

    async function lookup(hash: string): Promise<ResolvedKey | null> {
      const s = staticKeys.get(hash);
      if (s) return s;
      if (!db) return null;
      const hit = cache.get(hash);
      if (hit !== undefined) return hit;
      let row;
      try {
        row = await db.findKeyByHash(hash);
        outage.ok();
      } catch (err) {
        outage.failed(reasonOf(err instanceof GatewayError && err.cause ? err.cause : err));
        // The database is away: a recently verified key keeps working, within the bound.
        const stale = cache.getStale(hash);
        if (stale === undefined) throw gatewayError('GW_ERR_STORE_UNAVAILABLE', { cause: err, retryAfter: 1 });
        cache.holdStale(hash, RETRY_DB_MS);
        staleServed.inc();
        return stale;
      }
      const resolved = row ? resolveKey(row) : null;
      cache.set(hash, resolved);
      return resolved;
    }

    /** The key the headers phase verified, for the request phase's model checks. */
    const VERIFIED = stateKey<ResolvedKey>('auth.verified');

    /** Everything the headers tell: the key (401) and whether it may use this endpoint (403). */
    async function authenticate(ctx: RequestContext): Promise<ResolvedKey> {
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
      if (permitOf(key.principal)?.allowsEndpoint(ctx.endpoint) === false) {
        failures.inc({ reason: 'endpoint' });
        ctx.log.info({ key: key.principal.keyPrefix, denied: 'endpoint' }, 'request outside key permissions');
        throw gatewayError('GW_ERR_FORBIDDEN', { message: 'This API key may not use this endpoint.' });
      }
      ctx.principal = key.principal;
      return key;
    }

    return {
      async onHeaders(ctx) {
        ctx.set(VERIFIED, await authenticate(ctx));
      },
      async onRequest(ctx) {
        // Verified in the headers phase; a caller that skipped it (a test calling this hook
        // alone) still gets the whole check: failing closed never depends on phase order.
        const key = ctx.get(VERIFIED) ?? (await authenticate(ctx));
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
