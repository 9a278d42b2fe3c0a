/**
 * The terminal plugin: answers /v1/models and /v1/messages/count_tokens itself (from the
 * catalog and the engine's token counter), stored Responses API objects from the state
 * store, and sends chat and embeddings requests to a deployment through the dispatcher
 * (routing, retries, fallbacks live there). Usage and cost are settled by the engine
 * (usage.ts) for every answer.
 */
import type { PluginDefinition } from '../../engine/types.ts';
import { dispatch } from '../../engine/routing/dispatch.ts';
import { routingState } from '../../engine/routing/board.ts';
import { compilePolicy, type RoutingConfig } from '../../engine/routing/policy.ts';
import { listModels } from './models.ts';
import { countForStreamStart, countTokensAnswer } from './prompt-tokens.ts';
import { responsesTerminal } from '../../engine/responses/terminal.ts';
import { withRoutingPolicy } from '../../engine/routing/policy-schema.ts';
import schema from './schema.json' with { type: 'json' };

interface ProviderPluginConfig {
  routing?: RoutingConfig;
}

const provider: PluginDefinition<ProviderPluginConfig> = {
  name: 'provider',
  version: '1.0.0',
  engine: '^1.0.0',
  terminal: true,
  description: 'Sends requests to the model deployments declared in models:.',
  configSchema: withRoutingPolicy(schema),
  create(config, env) {
    const catalog = env.models;
    // Breaker state and latency stats live per state store (shared through Redis when
    // configured), so they survive reloads; the policy is compiled once per generation.
    const state = routingState({ stores: env.stores, metrics: env.metrics, logger: env.logger });
    const policy = config.routing ? compilePolicy(config.routing) : undefined;
    const deps = { catalog, state, policy };
    const responses = { state: env.stores.state, catalog };
    return {
      async invoke(ctx, signal) {
        if (ctx.endpoint === 'models') return listModels(ctx, catalog);
        if (ctx.endpoint === 'count_tokens') return countTokensAnswer(ctx, catalog, env.pool);
        if (ctx.endpoint === 'responses') {
          const stored = await responsesTerminal(ctx, responses);
          if (stored) return stored;
        }
        const counting = countForStreamStart(ctx, catalog, env.pool);
        const res = await dispatch(ctx, signal, deps);
        if (counting) await counting;
        return res;
      },
    };
  },
};

export default provider;
