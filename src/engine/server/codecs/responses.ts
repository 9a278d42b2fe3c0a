/**
 * The OpenAI Responses API inbound codec behind `POST /v1/responses` (the Vercel AI SDK's
 * default `openai(model)`, LangChain's `useResponsesApi`, `client.responses.create`): a
 * Responses request becomes a canonical chat request that runs through the same pipeline
 * as every other endpoint (auth, limits, filters, cache, router, provider, cost), and the
 * canonical answer becomes a Response object or its typed event stream. `GET` and
 * `DELETE /v1/responses/{id}` are answered by the provider plugin from the state store
 * (src/engine/responses/terminal.ts) and pass through this codec untouched.
 *
 * @example
 *   const req = await responsesCodec.decodeRequest(body, ctx, env); // canonical ChatRequest
 *   const res = await responsesCodec.encodeResponse!(completion, ctx); // Response object
 */
import type { Codec } from '../codec.ts';
import type { ChatCompletion } from '../../openai-types.ts';
import type { RequestContext } from '../../context.ts';
import { decodeResponsesFields } from './responses-request.ts';
import { outputItems, responseObject } from './responses-output.ts';
import { finishTurn, startTurn, TURN, type Turn } from './responses-turn.ts';
import { ResponsesStreamEncoder } from './responses-stream.ts';
import { responsesErrorBody } from './responses-errors.ts';

function turnOf(ctx: RequestContext): Turn {
  const turn = ctx.get(TURN);
  if (!turn) throw new Error('responses codec: no turn on the request');
  return turn;
}

async function encodeResponse(body: ChatCompletion, ctx: RequestContext): Promise<unknown> {
  // Stored responses (GET/DELETE) and bodies that are not a completion pass through.
  const turn = ctx.get(TURN);
  if (!turn || !Array.isArray(body?.choices)) return body;
  // A cache hit answers before the provider plugin: refuse here what it would have refused.
  if (turn.missing) throw turn.missing;
  const choice = body.choices[0];
  const finish = choice?.finish_reason ?? 'stop';
  const outcome = { model: body.model, output: outputItems(choice?.message, turn.base, finish), usage: body.usage, finish };
  return finishTurn(turn, responseObject(turn, outcome), ctx);
}

export const responsesCodec: Codec = {
  name: 'responses',
  decodeRequest(body, ctx, env) {
    if (!ctx || !env) throw new Error('responses codec: decodeRequest needs the request context and env');
    return startTurn(decodeResponsesFields(body), ctx, env);
  },
  encodeResponse,
  streamEncoder: (ctx) => new ResponsesStreamEncoder(ctx, turnOf(ctx)),
  errorBody: responsesErrorBody,
};
