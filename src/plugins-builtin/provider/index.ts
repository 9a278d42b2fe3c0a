/**
 * The terminal plugin: answers /v1/models from the catalog, stored Responses API objects
 * from the state store, and sends chat and embeddings requests to a deployment through
 * the dispatcher (routing, retries, fallbacks live
 * there). Usage and cost of non-streamed answers are recorded here; the server records
 * them for streams when the stream ends.
 */
import type { PluginDefinition, UpstreamResponse, ModelCatalog } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import type { Usage } from '../../engine/openai-types.ts';
import { dispatch } from '../../engine/routing/dispatch.ts';
import { routingState } from '../../engine/routing/board.ts';
import { compilePolicy, type RoutingConfig } from '../../engine/routing/policy.ts';
import { gatewayError } from '../../engine/errors.ts';
import { costOf } from '../../engine/usage.ts';
import { responsesTerminal } from '../../engine/responses/terminal.ts';
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
    const responses = { state: env.stores.state, catalog };
    return {
      async invoke(ctx, signal) {
        if (ctx.endpoint === 'models') return listModels(ctx, catalog);
        if (ctx.endpoint === 'responses') {
          const stored = await responsesTerminal(ctx, responses);
          if (stored) return stored;
        }
        const res = await dispatch(ctx, signal, deps);
        if (res.kind === 'json') {
          const usage = (res.body as { usage?: Usage } | undefined)?.usage;
          if (usage) {
            ctx.usage = usage;
            ctx.cost = costOf(usage, ctx.deployment);
          }
        }
        return res;
      },
    };
  },
};

export default provider;
