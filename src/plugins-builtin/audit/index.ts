/**
 * `use: audit` — one usage row per request, written in onDone through the database's
 * batching queue (the request never waits on disk). Rows carry ids, the key's visible
 * prefix never; the secret never reaches this plugin. Spend queries (admin /usage) read
 * these rows.
 *
 * @example
 *   pipeline: [ { use: auth }, { use: audit }, { use: provider } ]
 */
import type { PluginDefinition } from '../../engine/types.ts';
import { dbOf } from '../../engine/stores/db/index.ts';
import { recordedStatus } from '../../engine/request-outcome.ts';
import schema from './schema.json' with { type: 'json' };

export interface AuditConfig {
  failed_requests: boolean;
}

const audit: PluginDefinition<AuditConfig> = {
  name: 'audit',
  version: '1.0.0',
  engine: '^1',
  description: 'Usage rows per request (tokens, cost, latency, status) for spend reports.',
  configSchema: schema,
  create(config, env) {
    const db = dbOf(env.stores);
    if (!db) throw new Error('audit: no database configured (stores.db)');
    const rows = env.metrics.counter({ name: 'gateway_usage_rows_total', help: 'Usage rows queued for the database' });
    return {
      onDone(ctx) {
        const status = recordedStatus(ctx) || 200;
        // An answer the client left mid-way still spent tokens: its row stays, as a 499.
        if (!config.failed_requests && status >= 400 && !(status === 499 && ctx.usage)) return;
        const u = ctx.usage;
        const p = ctx.principal;
        db.recordUsage({
          ts: new Date().toISOString(),
          request_id: ctx.id,
          key_id: p?.keyId ?? null,
          user_id: p?.userId ?? null,
          team_id: p?.teamId ?? null,
          model: ctx.model ?? null,
          provider: ctx.deployment?.provider ?? null,
          tokens_in: u?.prompt_tokens ?? 0,
          tokens_out: u?.completion_tokens ?? 0,
          tokens_cached: u?.prompt_tokens_details?.cached_tokens ?? 0,
          cost: ctx.cost ?? 0,
          latency_ms: Math.round((performance.now() - ctx.startedAt) * 100) / 100,
          status,
        });
        rows.inc();
      },
    };
  },
};

export default audit;
