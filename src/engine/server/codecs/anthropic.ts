/**
 * The Anthropic-compatible inbound codecs: `POST /v1/messages` (Anthropic clients — the
 * @anthropic-ai/sdk, Claude tooling — talk to any model the gateway serves),
 * `POST /v1/messages/count_tokens`, and `/v1/models` asked by an Anthropic client. The
 * mapping tables (stop_reason ↔ finish_reason, usage, tool_choice) are shared with the
 * `anthropic` provider adapter. Every error body is Anthropic's, with the request id.
 *
 * @example
 *   const req = anthropicCodec.decodeRequest(body);          // canonical ChatRequest
 *   const msg = anthropicCodec.encodeResponse!(completion, ctx);
 */
import type { Codec } from '../codec.ts';
import type { GatewayError } from '../../errors.ts';
import { decodeAnthropicCountTokens, decodeAnthropicRequest } from './anthropic-decode.ts';
import { encodeAnthropicMessage } from './anthropic-encode.ts';
import { AnthropicStreamEncoder } from './anthropic-stream.ts';

const MESSAGES_PATH = /^\/v1\/messages(?:[/?]|$)/;

/**
 * Whether a request speaks Anthropic's dialect: anything under /v1/messages, and any
 * request from an Anthropic client (their SDKs always send `anthropic-version`). Such
 * requests get Anthropic's error bodies (404s from routing included) and `request-id`.
 */
export function speaksAnthropic(headers: Readonly<Record<string, string | string[] | undefined>>, path = ''): boolean {
  return headers['anthropic-version'] !== undefined || MESSAGES_PATH.test(path);
}

const errorBody = (err: GatewayError, requestId: string) => err.toAnthropic(requestId);
const streamEncoder = (ctx: ConstructorParameters<typeof AnthropicStreamEncoder>[0]) => new AnthropicStreamEncoder(ctx);

export const anthropicCodec: Codec = {
  name: 'anthropic',
  decodeRequest: decodeAnthropicRequest,
  encodeResponse: (body) => encodeAnthropicMessage(body),
  streamEncoder,
  errorBody,
};

/** count_tokens: the provider plugin answers `{ input_tokens }` already in Anthropic's shape. */
export const anthropicCountTokensCodec: Codec = {
  name: 'anthropic',
  decodeRequest: decodeAnthropicCountTokens,
  streamEncoder,
  errorBody,
};

/** /v1/models for Anthropic clients: the provider plugin shapes the list; errors are Anthropic's. */
export const anthropicModelsCodec: Codec = {
  name: 'anthropic',
  decodeRequest: (body) => body,
  streamEncoder,
  errorBody,
};
