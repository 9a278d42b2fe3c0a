/**
 * `GET /v1/models` and `/v1/models/{id}` in Anthropic's shape, for Anthropic clients (the
 * SDK's `models.list()` / `models.retrieve()` send `anthropic-version`): ModelInfo objects
 * in a page with `has_more`, `first_id`, `last_id`, paged by `limit` (1–1000, default 20),
 * `after_id` and `before_id` as Anthropic pages them.
 *
 * @example
 *   anthropicModelPage([{ id: 'gpt-4o', created: 1700000000 }], new URLSearchParams('limit=5'))
 *   // { data: [{ type: 'model', id: 'gpt-4o', display_name: 'gpt-4o', created_at: '2023-11-14T22:13:20.000Z', … }],
 *   //   has_more: false, first_id: 'gpt-4o', last_id: 'gpt-4o' }
 */
import { gatewayError } from '../../errors.ts';

/** What the gateway knows of a model it serves. */
export interface ModelSummary {
  id: string;
  /** Unix seconds. */
  created: number;
  contextWindow?: number;
  maxOutputTokens?: number;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export function anthropicModelInfo(m: ModelSummary): Record<string, unknown> {
  return {
    type: 'model',
    id: m.id,
    display_name: m.id,
    created_at: new Date(m.created * 1000).toISOString(),
    // Anthropic's capability map describes Claude features the gateway cannot vouch for.
    capabilities: null,
    max_input_tokens: m.contextWindow ?? null,
    max_tokens: m.maxOutputTokens ?? null,
  };
}

export function anthropicModelPage(models: readonly ModelSummary[], query: URLSearchParams): Record<string, unknown> {
  const limit = limitOf(query.get('limit'));
  const after = query.get('after_id');
  const before = query.get('before_id');
  let start = 0;
  let end = models.length;
  if (after !== null) start = indexOf(models, after, 'after_id') + 1;
  if (before !== null) end = indexOf(models, before, 'before_id');
  // before_id pages backwards: the `limit` models just before it.
  const from = before !== null && after === null ? Math.max(start, end - limit) : start;
  const to = Math.min(end, from + limit);
  const page = models.slice(from, Math.max(from, to));
  return {
    data: page.map(anthropicModelInfo),
    has_more: before !== null && after === null ? from > start : to < end,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  };
}

function limitOf(v: string | null): number {
  if (v === null) return DEFAULT_LIMIT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw gatewayError('GW_ERR_INVALID_REQUEST', { param: 'limit', message: `limit: must be an integer from 1 to ${MAX_LIMIT}.` });
  }
  return n;
}

function indexOf(models: readonly ModelSummary[], id: string, param: string): number {
  const i = models.findIndex((m) => m.id === id);
  if (i === -1) throw gatewayError('GW_ERR_INVALID_REQUEST', { param, message: `${param}: no model '${id}' is served here.` });
  return i;
}
