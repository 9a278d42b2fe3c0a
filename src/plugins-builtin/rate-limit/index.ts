/**
 * `use: rate-limit` — requests (rps/rpm/rph), tokens (tpm) and concurrency per key,
 * user, team, model, route or IP, plus the limits stored on the caller's key. Memory or
 * Redis (atomic Lua, shared by replicas) after `stores.state`. Sets OpenAI's
 * x-ratelimit-* headers; refuses with 429 GW_ERR_RATE_LIMITED and Retry-After.
 *
 * @example
 *   - use: rate-limit
 *     config: { limits: [ { per: key, rpm: 600, tpm: 200000 }, { per: ip, concurrency: 20 } ] }
 */
import { randomBytes } from 'node:crypto';
import type { PluginDefinition } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import type { KeyLimits } from '../../engine/stores/db/types.ts';
import { stateKey } from '../../engine/context.ts';
import { gatewayError } from '../../engine/errors.ts';
import schema from './schema.json' with { type: 'json' };
import { bucketsFor, compileTemplates, type LimitItem, type RequestBucket, type Template } from './buckets.ts';
import { reservedTokens } from './estimate.ts';
import { rateLimitHeaders } from './headers.ts';
import { createMemoryLimiter } from './memory-limiter.ts';
import { createRedisLimiter } from './redis-limiter.ts';
import { storeGuard } from './store-guard.ts';

export interface RateLimitConfig {
  limits: LimitItem[];
  key_limits: boolean;
  on_store_error: 'open' | 'closed';
  concurrency_lease_ms: number;
  headers: boolean;
}

interface Held {
  id: string;
  buckets: RequestBucket[];
  finished: boolean;
}

const processTag = randomBytes(4).toString('hex');
let seq = 0;

const rateLimit: PluginDefinition<RateLimitConfig> = {
  name: 'rate-limit',
  version: '1.0.0',
  engine: '^1',
  description: 'Request, token and concurrency limits, exact across replicas through Redis.',
  configSchema: schema,
  create(config, env) {
    const limiter = env.stores.state.kind === 'redis' ? createRedisLimiter(env.stores.state) : createMemoryLimiter();
    const prefix = `rl:${env.pluginId}:`;
    const templates = compileTemplates(config.limits, `${prefix}c`, config.concurrency_lease_ms);
    const HELD = stateKey<Held>('rate-limit.held');
    // Keyed by the key's limits object, made once per auth cache fill (resolved.ts).
    const keyTemplates = new WeakMap<Readonly<KeyLimits>, Template[]>();
    const guard = storeGuard(env.metrics, env.logger, config.on_store_error);
    const decisions = env.metrics.counter({
      name: 'gateway_ratelimit_requests_total',
      help: 'Rate-limit decisions',
      labelNames: ['result'] as const,
    });

    function templatesOfKey(k: Readonly<KeyLimits>): Template[] {
      let t = keyTemplates.get(k);
      if (!t) {
        t = compileTemplates([{ per: 'key', ...k }], `${prefix}k`, config.concurrency_lease_ms);
        keyTemplates.set(k, t);
      }
      return t;
    }

    function finish(ctx: RequestContext): void {
      const held = ctx.get(HELD);
      if (!held || held.finished) return;
      held.finished = true;
      for (let i = 0; i < held.buckets.length; i++) {
        const b = held.buckets[i]!;
        if (b.unit === 'concurrency') guard.background(limiter.release(held.id, b.key));
        else if (b.unit === 'tokens') {
          const used = ctx.usage?.total_tokens ?? (ctx.error ? 0 : b.cost);
          if (used !== b.cost) guard.background(limiter.settle(held.id, b.key, used));
        }
      }
    }

    return {
      async onRequest(ctx) {
        const buckets: RequestBucket[] = [];
        const keyLimits = config.key_limits ? ctx.principal?.limits : undefined;
        const needsTokens = templates.length > 0 || keyLimits !== undefined;
        const tokens = needsTokens ? reservedTokens(ctx.body) : 0;
        bucketsFor(ctx, templates, tokens, buckets);
        if (keyLimits) bucketsFor(ctx, templatesOfKey(keyLimits), tokens, buckets);
        if (buckets.length === 0) return;
        const id = `${processTag}:${++seq}`;
        const result = await guard.run(() => limiter.acquire(id, buckets));
        if (!result) return; // store down, failing open
        const headers: Record<string, string> = config.headers ? ctx.responseHeaders : {};
        if (config.headers) rateLimitHeaders(buckets, result.states, headers);
        if (result.failed >= 0) {
          decisions.inc({ result: 'limited' });
          const b = buckets[result.failed]!;
          const retryAfter = Math.max(1, Math.ceil(result.states[result.failed]!.resetMs / 1000));
          throw gatewayError('GW_ERR_RATE_LIMITED', {
            message: `Rate limit exceeded (${b.unit}).`,
            retryAfter,
            headers: config.headers ? { ...headers } : undefined,
          });
        }
        decisions.inc({ result: 'allowed' });
        ctx.set(HELD, { id, buckets, finished: false });
      },
      onDone(ctx) {
        finish(ctx);
      },
    };
  },
};

export default rateLimit;
