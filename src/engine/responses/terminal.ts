/**
 * The Responses API's part of the terminal step, run by the provider plugin after every
 * request-phase plugin (auth included): `GET /v1/responses/{id}` (and `/input_items`) and
 * `DELETE /v1/responses/{id}` are answered from the state store, for the key that created
 * the response only (another key gets 404, as for an unknown id); a `POST` that referred
 * to a response or item its key cannot see gets its 404 here, and one that uses a feature
 * a candidate deployment's provider cannot honour gets a 400 naming the field (support.ts);
 * the candidates are those the key may use (a forbidden one is never called).
 *
 * @example
 *   const answered = await responsesTerminal(ctx, { state: env.stores.state, catalog });
 *   if (answered) return answered; // else dispatch the canonical request
 */
import type { RequestContext } from '../context.ts';
import type { JsonUpstreamResponse, ModelCatalog } from '../types.ts';
import type { StateStore } from '../stores/state.ts';
import { gatewayError } from '../errors.ts';
import { decodePathSegment } from '../path-segment.ts';
import { permittedCandidates } from '../routing/dispatch.ts';
import { TURN } from '../server/codecs/responses-turn.ts';
import { deleteResponse, loadResponse, ownerOf } from './store.ts';
import { FEATURE_PARAM, refusedFeature } from './support.ts';

export interface ResponsesTerminalDeps {
  state: StateStore;
  catalog: ModelCatalog;
}

const PATH = /^\/(?:v1\/)?responses\/([^/?]+)(\/input_items)?\/?(?:\?(.*))?$/;
const FEATURE_NAME = {
  streaming: 'streaming',
  tools: 'tools',
  structured_output: 'structured output',
  reasoning: 'reasoning',
  previous_response_id: 'previous_response_id',
};

const json = (body: unknown): JsonUpstreamResponse => ({ kind: 'json', status: 200, headers: {}, body });

/** An answer for GET/DELETE; undefined for a POST that may go on to the upstream (or a throw). */
export async function responsesTerminal(ctx: RequestContext, deps: ResponsesTerminalDeps): Promise<JsonUpstreamResponse | undefined> {
  if (ctx.method === 'POST') {
    checkTurn(ctx, deps.catalog);
    return undefined;
  }
  const m = PATH.exec(ctx.path);
  const id = m ? decodePathSegment(m[1]!) : '';
  const query = new URLSearchParams(m?.[3] ?? '');
  if (query.get('stream') === 'true')
    throw gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', {
      param: 'stream',
      message: 'Replaying a stored response as a stream is not supported by this gateway.',
    });
  const rec = await loadResponse(deps.state, id, ownerOf(ctx.headers));
  if (!rec) throw gatewayError('GW_ERR_NOT_FOUND', { param: 'response_id', message: `Response with id '${id}' not found.` });
  if (ctx.method === 'DELETE') {
    await deleteResponse(deps.state, id);
    return json({ id, object: 'response', deleted: true });
  }
  return json(m?.[2] ? inputItemList(rec.input, query) : rec.response);
}

function checkTurn(ctx: RequestContext, catalog: ModelCatalog): void {
  const turn = ctx.get(TURN);
  if (!turn) return;
  if (turn.missing) throw turn.missing;
  // The deployments that could serve this key: one it may not use is never called.
  for (const d of permittedCandidates(ctx, catalog)) {
    const f = refusedFeature(d.providerType, turn.features);
    if (f) {
      throw gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', {
        param: FEATURE_PARAM[f],
        message: `${FEATURE_PARAM[f]}: ${FEATURE_NAME[f]} is not available for model '${d.name}' (provider type ${d.providerType}) through the Responses API.`,
      });
    }
  }
}

/** OpenAI's list page: `order` (desc by default), `after` (an item id) and `limit` (1–100, 20). */
function inputItemList(items: ReadonlyArray<{ id: string }>, q: URLSearchParams): Record<string, unknown> {
  const ordered = q.get('order') === 'asc' ? items : [...items].reverse();
  const after = q.get('after');
  const from = after ? ordered.findIndex((it) => it.id === after) + 1 : 0;
  const limit = Math.min(100, Math.max(1, Number(q.get('limit')) || 20));
  const data = ordered.slice(from, from + limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: from + limit < ordered.length };
}
