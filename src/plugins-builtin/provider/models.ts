/**
 * GET /v1/models and /v1/models/{id}, answered from `models:` without calling an
 * upstream: OpenAI's list shape, or Anthropic's (ModelInfo pages) when the client speaks
 * Anthropic (its SDKs send `anthropic-version`).
 *
 * @example
 *   listModels(ctx, catalog) // { kind: 'json', status: 200, body: { object: 'list', data: [{ id: 'gpt-4o', … }] } }
 */
import type { ModelCatalog, UpstreamResponse } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { gatewayError } from '../../engine/errors.ts';
import { anthropicModelInfo, anthropicModelPage, type ModelSummary } from '../../engine/server/codecs/anthropic-models.ts';
import { speaksAnthropic } from '../../engine/server/codecs/anthropic.ts';

const CREATED = Math.floor(Date.now() / 1000);
const ONE_MODEL = /^\/(?:v1\/)?models\/([^?]+)/;

function openaiEntry(name: string, catalog: ModelCatalog) {
  return { id: name, object: 'model', created: CREATED, owned_by: catalog.group(name)![0]!.provider };
}

/** What every deployment of the group allows: the smallest window and output cap. */
function summaryOf(name: string, catalog: ModelCatalog): ModelSummary {
  let contextWindow: number | undefined;
  let maxOutputTokens: number | undefined;
  for (const d of catalog.group(name)!) {
    if (d.contextWindow !== undefined) contextWindow = Math.min(contextWindow ?? Infinity, d.contextWindow);
    if (d.maxOutputTokens !== undefined) maxOutputTokens = Math.min(maxOutputTokens ?? Infinity, d.maxOutputTokens);
  }
  return { id: name, created: CREATED, contextWindow, maxOutputTokens };
}

const json = (body: unknown): UpstreamResponse => ({ kind: 'json', status: 200, headers: {}, body });

function modelId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded; // malformed %-escapes name no model: a 404, never a 500
  }
}

/** Anthropic clients can only use chat models (through /v1/messages): list only those. */
const chatModel = (name: string, catalog: ModelCatalog) => catalog.group(name)![0]!.capabilities.has('chat');

export function listModels(ctx: RequestContext, catalog: ModelCatalog): UpstreamResponse {
  const anthropic = speaksAnthropic(ctx.headers);
  const one = ONE_MODEL.exec(ctx.path);
  if (one) {
    const id = modelId(one[1]!);
    if (!catalog.group(id) || (anthropic && !chatModel(id, catalog)))
      throw gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${id}' does not exist.`, param: 'model' });
    return json(anthropic ? anthropicModelInfo(summaryOf(id, catalog)) : openaiEntry(id, catalog));
  }
  if (!anthropic) return json({ object: 'list', data: catalog.names().map((n) => openaiEntry(n, catalog)) });
  const q = ctx.path.indexOf('?');
  const names = catalog.names().filter((n) => chatModel(n, catalog));
  return json(
    anthropicModelPage(
      names.map((n) => summaryOf(n, catalog)),
      new URLSearchParams(q === -1 ? '' : ctx.path.slice(q + 1)),
    ),
  );
}
