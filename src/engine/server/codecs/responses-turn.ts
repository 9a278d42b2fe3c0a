/**
 * One Responses API request as it goes through the gateway (a "turn"): its ids, what the
 * Response echoes, the conversation it continues (loaded from the state store before the
 * pipeline runs, so limits, filters, cache and router see the whole prompt) and, once
 * answered, the stored record — written before the last byte of the answer goes out, so
 * a follow-up sent the moment the answer ends finds it on any replica.
 *
 * @example
 *   const body = await startTurn(decoded, ctx, env);   // canonical ChatRequest; ctx holds the turn
 *   const response = await finishTurn(ctx.get(TURN)!, responseObject(turn, outcome), ctx);
 */
import type { ChatMessage, ChatRequest } from '../../openai-types.ts';
import type { InputItemResource, ResponseEcho, ResponseObject, StoredResponse } from '../../responses/types.ts';
import type { ResponsesFeature } from '../../responses/support.ts';
import type { StateStore } from '../../stores/state.ts';
import type { CodecEnv } from '../codec.ts';
import { type RequestContext, stateKey } from '../../context.ts';
import { gatewayError, type GatewayError } from '../../errors.ts';
import { newBase, parseItemId, responseId } from '../../responses/ids.ts';
import { loadResponse, ownerOf, saveResponse, storeTtlMs } from '../../responses/store.ts';
import { assistantMessage } from './responses-output.ts';
import { decodeInputItems } from './responses-input.ts';
import { bad, type Obj } from './responses-check.ts';
import type { DecodedFields } from './responses-request.ts';

export interface Turn {
  /** The hex shared by the response id and its item ids. */
  base: string;
  id: string;
  createdAt: number;
  /** The model the client asked for (the Response names the upstream's when it reports one). */
  model: string;
  echo: ResponseEcho;
  features: ReadonlySet<ResponsesFeature>;
  owner: string | null;
  /** The conversation before this turn's output, without instructions. */
  history: ChatMessage[];
  inputs: InputItemResource[];
  /** A previous response or item this key cannot see: 404 once auth has run. */
  missing?: GatewayError;
  state: StateStore;
  ttlMs: number;
}

export const TURN = stateKey<Turn>('responses.turn');

/** Loads what the request refers to, keeps the turn on `ctx` and returns the canonical request. */
export async function startTurn(d: DecodedFields, ctx: RequestContext, env: CodecEnv): Promise<ChatRequest> {
  const owner = ownerOf(ctx.headers);
  const base = newBase();
  const loaded = new Map<string, Promise<StoredResponse | undefined>>();
  const load = (id: string) => {
    let p = loaded.get(id);
    if (!p) loaded.set(id, (p = loadResponse(env.state, id, owner)));
    return p;
  };
  let missing: GatewayError | undefined;
  let history: ChatMessage[] = [];
  if (d.previousId !== undefined) {
    const prev = await load(d.previousId);
    if (prev) history = prev.history;
    else missing = notFound('previous_response_id', `Previous response with id '${d.previousId}' not found.`);
  }
  const input = await decodeInputItems(d.input, base, async (id) => {
    const at = parseItemId(id);
    const rec = at && (await load(at.responseId));
    const item = rec && (at.input ? rec.input[at.index] : rec.response.output[at.index]);
    return item && item.id === id ? (item as unknown as Obj) : undefined;
  });
  if (input.missing) missing ??= notFound(input.missing.param, `Item with id '${input.missing.id}' not found.`);
  const conversation = history.concat(input.messages);
  if (conversation.length === 0) {
    if (!missing) throw bad('input', 'The conversation is empty: give at least one input item.');
    // Kept well-formed for the plugins before the provider, which answers the 404 after auth.
    conversation.push({ role: 'user', content: '' });
  }
  d.canonical.messages = d.echo.instructions === null ? conversation : [{ role: 'system', content: d.echo.instructions }, ...conversation];
  ctx.set(TURN, {
    base,
    id: responseId(base),
    createdAt: Math.floor(Date.now() / 1000),
    model: d.canonical.model,
    echo: d.echo,
    features: d.features,
    owner,
    history: conversation,
    inputs: input.resources,
    missing,
    state: env.state,
    ttlMs: storeTtlMs(env.config),
  });
  return d.canonical;
}

export function notFound(param: string, message: string): GatewayError {
  return gatewayError('GW_ERR_NOT_FOUND', { param, message });
}

/**
 * Stores the answered response when the client asked (`store`, default true) and returns
 * it. A store that fails does not fail the answer: the Response then says `store: false`,
 * which is the truth a client can act on.
 */
export async function finishTurn(turn: Turn, response: ResponseObject, ctx: RequestContext): Promise<ResponseObject> {
  if (!turn.echo.store) return response;
  const rec: StoredResponse = { v: 1, owner: turn.owner, response, input: turn.inputs, history: [...turn.history, assistantMessage(response.output)] };
  try {
    await saveResponse(turn.state, turn.ttlMs, rec);
    return response;
  } catch (err) {
    ctx.log.error({ err, response_id: turn.id }, 'responses: could not store the response');
    response.store = false;
    return response;
  }
}
