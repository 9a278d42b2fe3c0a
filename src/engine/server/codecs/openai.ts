/**
 * OpenAI's dialect: the canonical one, so decoding is a structural check and encoding is
 * the identity. The check covers what every pipeline relies on (model, messages/input
 * and their types); the validation plugin checks the rest of the request.
 */
import { gatewayError, type GatewayError } from '../../errors.ts';
import type { Codec, StreamEncoder } from '../codec.ts';
import type { StreamEvent } from '../../types.ts';

const DONE = 'data: [DONE]\n\n';

function invalid(message: string, param: string): GatewayError {
  return gatewayError('GW_ERR_INVALID_REQUEST', { message, param });
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body must be a JSON object.', '');
  return body as Record<string, unknown>;
}

function checkModel(b: Record<string, unknown>): void {
  if (typeof b.model !== 'string' || b.model.length === 0) throw invalid("'model' is required and must be a string.", 'model');
}

export function decodeChat(body: unknown): unknown {
  const b = asObject(body);
  checkModel(b);
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw invalid("'messages' must be a non-empty array.", 'messages');
  for (let i = 0; i < b.messages.length; i++) {
    const m = b.messages[i] as Record<string, unknown> | null;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw invalid(`'messages[${i}]' must be an object.`, `messages[${i}]`);
    if (typeof m.role !== 'string') throw invalid(`'messages[${i}].role' must be a string.`, `messages[${i}].role`);
    const c = m.content;
    if (c !== undefined && c !== null && typeof c !== 'string' && !Array.isArray(c)) {
      throw invalid(`'messages[${i}].content' must be a string or an array of content parts.`, `messages[${i}].content`);
    }
  }
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean') throw invalid("'stream' must be a boolean.", 'stream');
  return b;
}

export function decodeEmbeddings(body: unknown): unknown {
  const b = asObject(body);
  checkModel(b);
  const input = b.input;
  const ok =
    typeof input === 'string' ||
    (Array.isArray(input) &&
      input.length > 0 &&
      (input.every((x) => typeof x === 'string') || input.every((x) => typeof x === 'number') || input.every((x) => Array.isArray(x))));
  if (!ok) throw invalid("'input' must be a string, an array of strings, or token arrays.", 'input');
  return b;
}

/** SSE `data:` events; `[DONE]` ends; a failure ends with a final error event and no [DONE]. */
export const openaiStreamEncoder: StreamEncoder = {
  event: (ev: StreamEvent) => `data: ${ev.raw ?? JSON.stringify(ev.data)}\n\n`,
  end: () => DONE,
  error: (err) => `data: ${JSON.stringify(err.toOpenAI())}\n\n`,
};

export const openaiChatCodec: Codec = {
  name: 'openai',
  decodeRequest: decodeChat,
  streamEncoder: () => openaiStreamEncoder,
  errorBody: (err) => err.toOpenAI(),
};

export const openaiEmbeddingsCodec: Codec = {
  name: 'openai',
  decodeRequest: decodeEmbeddings,
  streamEncoder: () => openaiStreamEncoder,
  errorBody: (err) => err.toOpenAI(),
};
