/**
 * The router plugin (`use: router`): for a request naming a model group, an alias or
 * `auto`, it plans the route (content rules, embedding routing, A/B split, context
 * window, capabilities, cost ceiling, balancing strategy — in the declared `steps`
 * order) and sets ctx.model and ctx.route: the candidates, its routing policy (fallbacks,
 * hedging, breakers), the prompt tokens it counted and why; dispatch follows that
 * decision. Only deployments the caller's key may use are candidates; none: a 403. The
 * plan comes from the same `plan()` that `POST /admin/route/explain` runs.
 *
 * @example
 *   pipeline:
 *     - use: router
 *       config: { aliases: { auto: [gpt-4o-mini, gpt-4o] }, rules: [{ model: gpt-4o, keywords: [prove] }] }
 */
import type { PluginDefinition } from '../../engine/types.ts';
import { routingState } from '../../engine/routing/board.ts';
import { compileRouter, routerConfigIssues, type RouterConfig } from './config.ts';
import { createPlanner, withPlanner } from './planner.ts';
import { warmTokenizers } from '../../engine/tokens/exact.ts';
import { withRoutingPolicy } from '../../engine/routing/policy-schema.ts';
import schema from './schema.json' with { type: 'json' };

const router: PluginDefinition<RouterConfig> = {
  name: 'router',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Routes requests to model deployments: aliases, rules, embeddings, A/B, context window, cost, balancing strategies.',
  configSchema: withRoutingPolicy(schema),
  checkConfig(config, env) {
    return routerConfigIssues(config, env.at);
  },
  create(config, env) {
    const compiled = compileRouter(config);
    // Plans count prompt tokens exactly for OpenAI-family models: load the tables now,
    // at config load, rather than on the first request.
    warmTokenizers();
    const state = routingState({ stores: env.stores, metrics: env.metrics, logger: env.logger });
    const planner = createPlanner(compiled, { catalog: env.models, state, pool: env.pool });
    const policy = compiled.policy;
    // The instance carries its planner: explain reaches it through the generation serving.
    return withPlanner(
      {
        async onRequest(ctx) {
          // /v1/messages and /v1/responses bodies are already canonical chat requests: route them as chat.
          const endpoint = ctx.endpoint === 'messages' || ctx.endpoint === 'responses' ? 'chat' : ctx.endpoint;
          if ((endpoint !== 'chat' && endpoint !== 'embeddings') || ctx.body === undefined) return;
          const p = await planner.route({ endpoint, body: ctx.body, principal: ctx.principal, headers: ctx.headers }, { advance: true });
          if (p.error) throw p.error;
          ctx.model = p.model;
          ctx.route = { candidates: p.candidates, policy, reason: p.reason };
          ctx.promptTokens = p.promptTokens;
          if (p.variant) {
            state.metrics?.abVariants.inc({ experiment: p.variant.experiment, variant: p.variant.variant });
            ctx.log = ctx.log.child({ ab_experiment: p.variant.experiment, ab_variant: p.variant.variant });
            ctx.responseHeaders['x-gateway-ab-variant'] = `${p.variant.experiment}=${p.variant.variant}`;
          }
        },
      },
      planner,
    );
  },
};

export default router;
