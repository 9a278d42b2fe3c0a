/**
 * GET /v1/models and /v1/models/{id}, answered from `models:` without calling an
 * upstream: OpenAI's list shape, or Anthropic's (ModelInfo pages) when the client speaks
 * Anthropic (its SDKs send `anthropic-version`). Only what the caller's key may call is
 * listed: a model with no deployment the key may use is absent (and 404 by id, as an
 * unknown one), and what is shown of a model comes from its permitted deployments.
 *
 * @example
 *   listModels(ctx, catalog) // { kind: 'json', status: 200, body: { object: 'list', data: [{ id: 'gpt-4o', … }] } }
 */
import type { Deployment, ModelCatalog, UpstreamResponse } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { gatewayError } from '../../engine/errors.ts';
import { permitOf, type Permit } from '../../engine/routing/permits.ts';
import { anthropicModelInfo, anthropicModelPage, type ModelSummary } from '../../engine/server/codecs/anthropic-models.ts';
import { speaksAnthropic } from '../../engine/server/codecs/anthropic.ts';
import { decodePathSegment } from '../../engine/path-segment.ts';

const CREATED = Math.floor(Date.now() / 1000);
const ONE_MODEL = /^\/(?:v1\/)?models\/([^?]+)/;

/** The deployments of a model that may serve the key (all, when it restricts nothing); none: not listed. */
function servable(name: string, catalog: ModelCatalog, permit: Permit | undefined): readonly Deployment[] {
  const group = catalog.group(name) ?? [];
  return permit ? group.filter((d) => permit.denies(d) === undefined) : group;
}

function openaiEntry(name: string, group: readonly Deployment[]) {
  return { id: name, object: 'model', created: CREATED, owned_by: group[0]!.provider };
}

/** What every deployment of the group allows: the smallest window and output cap. */
function summaryOf(name: string, group: readonly Deployment[]): ModelSummary {
  let contextWindow: number | undefined;
  let maxOutputTokens: number | undefined;
  for (const d of group) {
    if (d.contextWindow !== undefined) contextWindow = Math.min(contextWindow ?? Infinity, d.contextWindow);
    if (d.maxOutputTokens !== undefined) maxOutputTokens = Math.min(maxOutputTokens ?? Infinity, d.maxOutputTokens);
  }
  return { id: name, created: CREATED, contextWindow, maxOutputTokens };
}

const json = (body: unknown): UpstreamResponse => ({ kind: 'json', status: 200, headers: {}, body });

/** Anthropic clients can only use chat models (through /v1/messages): list only those. */
const chatModel = (group: readonly Deployment[]) => group[0]!.capabilities.has('chat');

export function listModels(ctx: RequestContext, catalog: ModelCatalog): UpstreamResponse {
  const anthropic = speaksAnthropic(ctx.headers);
  const permit = permitOf(ctx.principal);
  const one = ONE_MODEL.exec(ctx.path);
  if (one) {
    const id = decodePathSegment(one[1]!);
    const group = servable(id, catalog, permit);
    if (group.length === 0 || (anthropic && !chatModel(group)))
      throw gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${id}' does not exist.`, param: 'model' });
    return json(anthropic ? anthropicModelInfo(summaryOf(id, group)) : openaiEntry(id, group));
  }
  const listed: Array<[string, readonly Deployment[]]> = [];
  for (const name of catalog.names()) {
    const group = servable(name, catalog, permit);
    if (group.length > 0 && (!anthropic || chatModel(group))) listed.push([name, group]);
  }
  if (!anthropic) return json({ object: 'list', data: listed.map(([n, g]) => openaiEntry(n, g)) });
  const q = ctx.path.indexOf('?');
  return json(
    anthropicModelPage(
      listed.map(([n, g]) => summaryOf(n, g)),
      new URLSearchParams(q === -1 ? '' : ctx.path.slice(q + 1)),
    ),
  );
}
