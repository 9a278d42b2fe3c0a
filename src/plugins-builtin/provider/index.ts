/**
 * The terminal plugin: answers /v1/models from the catalog and sends chat and embeddings
 * requests to a deployment through the dispatcher (routing, retries, fallbacks live
 * there). Usage and cost are settled by the engine (usage.ts) for every answer.
 */
import type { PluginDefinition, UpstreamResponse, ModelCatalog } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { dispatch } from '../../engine/routing/dispatch.ts';
import { routingState } from '../../engine/routing/board.ts';
import { compilePolicy, type RoutingConfig } from '../../engine/routing/policy.ts';
import { gatewayError } from '../../engine/errors.ts';
import schema from './schema.json' with { type: 'json' };

const CREATED = Math.floor(Date.now() / 1000);

function modelEntry(name: string, catalog: ModelCatalog) {
  return { id: name, object: 'model', created: CREATED, owned_by: catalog.group(name)![0]!.provider };
}

/** GET /v1/models and /v1/models/{id}, from `models:`. */
function listModels(ctx: RequestContext, catalog: ModelCatalog): UpstreamResponse {
  const m = /^\/(?:v1\/)?models\/([^?]+)/.exec(ctx.path);
  if (m) {
    const id = decodeURIComponent(m[1]!);
    if (!catalog.group(id)) throw gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${id}' does not exist.`, param: 'model' });
    return { kind: 'json', status: 200, headers: {}, body: modelEntry(id, catalog) };
  }
  return { kind: 'json', status: 200, headers: {}, body: { object: 'list', data: catalog.names().map((n) => modelEntry(n, catalog)) } };
}

interface ProviderPluginConfig {
  routing?: RoutingConfig;
}

const provider: PluginDefinition<ProviderPluginConfig> = {
  name: 'provider',
  version: '1.0.0',
  engine: '^1.0.0',
  terminal: true,
  description: 'Sends requests to the model deployments declared in models:.',
  configSchema: schema,
  create(config, env) {
    const catalog = env.models;
    // Breaker state and latency stats live per state store (shared through Redis when
    // configured), so they survive reloads; the policy is compiled once per generation.
    const state = routingState({ stores: env.stores, metrics: env.metrics, logger: env.logger });
    const policy = config.routing ? compilePolicy(config.routing) : undefined;
    const deps = { catalog, state, policy };
    return {
      invoke(ctx, signal) {
        if (ctx.endpoint === 'models') return Promise.resolve(listModels(ctx, catalog));
        return dispatch(ctx, signal, deps);
      },
    };
  },
};

export default provider;
