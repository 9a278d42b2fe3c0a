/**
 * An inbound API dialect. The pipeline always works on canonical (OpenAI-shaped) bodies;
 * a codec turns a client's body into that shape and the answer back into the client's
 * dialect. OpenAI's is the identity; `/v1/messages` uses the Anthropic codec.
 */
import type { GatewayError } from '../errors.ts';
import type { ChatCompletion } from '../openai-types.ts';
import type { StreamEvent } from '../types.ts';
import type { RequestContext } from '../context.ts';

export interface StreamEncoder {
  /** SSE text for one canonical event ('' to write nothing). */
  event(ev: StreamEvent): string;
  /** SSE text that ends a successful stream. */
  end(): string;
  /** SSE text that ends a failed stream: the client must see an error, never a clean end. */
  error(err: GatewayError): string;
}

export interface Codec {
  readonly name: string;
  /** Client body → canonical request. Throws GatewayError (400, with param) on bad input. */
  decodeRequest(body: unknown): unknown;
  /** Canonical chat completion → client body. Undefined means the canonical body as is. */
  encodeResponse?(body: ChatCompletion, ctx: RequestContext): unknown;
  streamEncoder(ctx: RequestContext): StreamEncoder;
  /** The error body; `requestId` is the id the response's `x-request-id` header carries. */
  errorBody(err: GatewayError, requestId: string): unknown;
}
