/**
 * `use: budget` — spend limits (USD) per key, user and team over daily, weekly, monthly
 * or total periods, from this plugin's config and from the budgets stored on keys,
 * users and teams. Spend (ctx.cost, streams included) is added in onDone to a counter in
 * the state store (Redis INCRBYFLOAT when shared); a request arriving once spend has
 * reached the limit gets 429 GW_ERR_BUDGET_EXCEEDED.
 *
 * @example
 *   - use: budget
 *     config: { budgets: [ { per: team, limit: 500, period: monthly, soft: 0.8 } ] }
 */
import type { PluginDefinition } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { stateKey } from '../../engine/context.ts';
import { gatewayError } from '../../engine/errors.ts';
import { outageLog } from '../../engine/log-limit.ts';
import type { BudgetPeriod, BudgetSpec } from '../../engine/stores/db/types.ts';
import schema from './schema.json' with { type: 'json' };
import { periodWindow } from './periods.ts';
import { alerter, type WebhookConfig } from './alerts.ts';

type Scope = 'key' | 'user' | 'team';
interface ConfigBudget {
  per: Scope;
  limit: number;
  period: BudgetPeriod;
  soft?: number;
}

export interface BudgetConfig {
  budgets: ConfigBudget[];
  stored_budgets: boolean;
  on_store_error: 'open' | 'closed';
  webhook?: WebhookConfig;
}

/** One counter this request spends against, with the tightest limit on it. */
interface Applied {
  counter: string;
  scope: Scope;
  id: string;
  period: string;
  limit: number;
  soft?: number;
  ttlMs?: number;
}

const budget: PluginDefinition<BudgetConfig> = {
  name: 'budget',
  version: '1.0.0',
  engine: '^1',
  description: 'Spend limits per key, user and team with soft-threshold alerts; shared by replicas through Redis.',
  configSchema: schema,
  create(config, env) {
    const APPLIED = stateKey<Applied[]>('budget.applied');
    const state = env.stores.state;
    const fireAlert = alerter(env.metrics, env.logger, config.webhook);
    const exceeded = env.metrics.counter({
      name: 'gateway_budget_exceeded_total',
      help: 'Requests refused for an exhausted budget',
      labelNames: ['scope'] as const,
    });
    const storeErrors = env.metrics.counter({ name: 'gateway_budget_store_errors_total', help: 'Budget store calls that failed' });
    // Every request reads the store: an outage is logged at a bounded rate, not per request.
    const outage = outageLog(env.logger, 'budget store', { effect: config.on_store_error === 'closed' ? 'refusing requests' : 'budgets not enforced' });
    const storeFailed = (err: unknown, op: 'read' | 'spend'): void => {
      storeErrors.inc();
      outage.failed(err, { op });
    };

    function applicable(ctx: RequestContext): Applied[] {
      const p = ctx.principal;
      if (!p) return [];
      const ids: Record<Scope, string | undefined> = { key: p.keyId, user: p.userId, team: p.teamId };
      const out = new Map<string, Applied>();
      const add = (scope: Scope, spec: BudgetSpec | ConfigBudget | null | undefined): void => {
        const id = ids[scope];
        if (!spec || id === undefined) return;
        const period = spec.period ?? 'monthly';
        const w = periodWindow(period);
        const counter = `budget:${scope}:${id}:${w.label}`;
        const prev = out.get(counter);
        // Two budgets on one counter (config + stored): the lower limit wins.
        if (!prev || spec.limit < prev.limit) out.set(counter, { counter, scope, id, period: w.label, limit: spec.limit, soft: spec.soft, ttlMs: w.ttlMs });
      };
      for (let i = 0; i < config.budgets.length; i++) add(config.budgets[i]!.per, config.budgets[i]);
      const stored = config.stored_budgets ? p.budgets : undefined;
      if (stored) {
        add('key', stored.key);
        add('user', stored.user);
        add('team', stored.team);
      }
      return [...out.values()];
    }

    async function spend(list: Applied[], cost: number): Promise<void> {
      for (const a of list) {
        const total = await state.incrBy(a.counter, cost, a.ttlMs);
        const threshold = a.soft === undefined ? undefined : a.soft * a.limit;
        if (threshold !== undefined && total >= threshold && total - cost < threshold) {
          fireAlert({ scope: a.scope, id: a.id, period: a.period, limit: a.limit, threshold: a.soft!, spend: total });
        }
      }
    }

    return {
      async onRequest(ctx) {
        const list = applicable(ctx);
        if (list.length === 0) return;
        let spent: (string | null)[];
        try {
          spent = await Promise.all(list.map((a) => state.get(a.counter)));
          outage.ok();
        } catch (err) {
          storeFailed(err, 'read');
          if (config.on_store_error === 'closed') throw gatewayError('GW_ERR_LIMITER_UNAVAILABLE', { message: 'The budget store is unavailable.' });
          return;
        }
        for (let i = 0; i < list.length; i++) {
          if (Number(spent[i] ?? 0) >= list[i]!.limit) {
            exceeded.inc({ scope: list[i]!.scope });
            throw gatewayError('GW_ERR_BUDGET_EXCEEDED', { message: `Budget exceeded for this ${list[i]!.scope} (${list[i]!.period}).` });
          }
        }
        ctx.set(APPLIED, list);
      },
      onDone(ctx) {
        const list = ctx.get(APPLIED);
        const cost = ctx.cost;
        if (!list || !cost || cost <= 0) return;
        spend(list, cost).then(outage.ok, (err: unknown) => storeFailed(err, 'spend'));
      },
    };
  },
};

export default budget;
