/**
 * Sends a request to a deployment. First version: candidates in order, capability check,
 * no retries. (Routing and resilience — retries, breakers, fallbacks, hedging — replace
 * this module; the provider plugin only calls `dispatch`.)
 */
import type { RequestContext } from '../context.ts';
import type { ModelCatalog, UpstreamResponse, Deployment } from '../types.ts';
import type { ChatRequest, EmbeddingsRequest } from '../openai-types.ts';
import { gatewayError } from '../errors.ts';
import { assertCapabilities, requiredCapabilities } from '../capabilities.ts';

export interface DispatchDeps {
  catalog: ModelCatalog;
}

export function candidatesFor(ctx: RequestContext, catalog: ModelCatalog): readonly Deployment[] {
  if (ctx.candidates && ctx.candidates.length) return ctx.candidates;
  const group = ctx.model === undefined ? undefined : catalog.group(ctx.model);
  if (!group || group.length === 0) {
    throw gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${ctx.model ?? ''}' does not exist.`, param: 'model' });
  }
  return group;
}

export async function dispatch(ctx: RequestContext, signal: AbortSignal, deps: DispatchDeps): Promise<UpstreamResponse> {
  const candidates = candidatesFor(ctx, deps.catalog);
  const d = candidates[0]!;
  assertCapabilities(d, requiredCapabilities(ctx.endpoint, ctx.body));
  const client = deps.catalog.provider(d.provider);
  if (!client) throw gatewayError('GW_ERR_INTERNAL', { message: 'Provider is not configured.' });
  ctx.deployment = d;
  ctx.attempts++;
  const call = { signal, requestId: ctx.id, deployment: d, timeouts: d.timeouts, rawBody: ctx.bodyChanged ? undefined : ctx.rawBody, requestedModel: ctx.model };
  if (ctx.endpoint === 'embeddings') {
    if (!client.embeddings) throw gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', { message: `Model '${d.name}' does not support embeddings.`, param: 'model' });
    return client.embeddings({ ...(ctx.body as EmbeddingsRequest), model: d.model }, call);
  }
  return client.chat({ ...(ctx.body as ChatRequest), model: d.model }, call);
}
