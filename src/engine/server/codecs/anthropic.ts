/**
 * The Anthropic-compatible inbound codec behind `POST /v1/messages`: Anthropic clients
 * (the @anthropic-ai/sdk, Claude tooling) talk to any model the gateway serves. The
 * mapping tables (stop_reason ↔ finish_reason, usage, tool_choice) are shared with the
 * `anthropic` provider adapter.
 *
 * @example
 *   const req = anthropicCodec.decodeRequest(body);          // canonical ChatRequest
 *   const msg = anthropicCodec.encodeResponse!(completion, ctx);
 */
import type { Codec } from '../codec.ts';
import type { GatewayError } from '../../errors.ts';
import { decodeAnthropicRequest } from './anthropic-decode.ts';
import { encodeAnthropicMessage } from './anthropic-encode.ts';
import { AnthropicStreamEncoder } from './anthropic-stream.ts';

export const anthropicCodec: Codec = {
  name: 'anthropic',
  decodeRequest: decodeAnthropicRequest,
  encodeResponse: (body) => encodeAnthropicMessage(body),
  streamEncoder: (ctx) => new AnthropicStreamEncoder(ctx),
  errorBody: (err: GatewayError) => err.toAnthropic(),
};
