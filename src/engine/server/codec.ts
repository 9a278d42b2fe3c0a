/**
 * An inbound API dialect. The pipeline always works on canonical (OpenAI-shaped) bodies;
 * a codec turns a client's body into that shape and the answer back into the client's
 * dialect. OpenAI's is the identity; `/v1/messages` uses the Anthropic codec and
 * `/v1/responses` the Responses codec, whose requests may refer to stored state
 * (`previous_response_id`), hence the async steps and `CodecEnv`.
 */
import type { GatewayError } from '../errors.ts';
import type { ChatCompletion } from '../openai-types.ts';
import type { StreamEvent } from '../types.ts';
import type { RequestContext } from '../context.ts';
import type { StateStore } from '../stores/state.ts';
import type { GatewayConfig } from '../config/types.ts';

export interface StreamEncoder {
  /** SSE text for one canonical event ('' to write nothing). */
  event(ev: StreamEvent): string;
  /** SSE text that ends a successful stream (awaited: it may store the answer first). */
  end(): string | Promise<string>;
  /** SSE text that ends a failed stream: the client must see an error, never a clean end. */
  error(err: GatewayError): string;
}

/** What a codec may use besides the request: the state store and the config generation serving it. */
export interface CodecEnv {
  readonly state: StateStore;
  readonly config: Readonly<GatewayConfig>;
}

export interface Codec {
  readonly name: string;
  /**
   * Client body → canonical request. Throws GatewayError (400, with param) on bad input.
   * The server always passes `ctx` and `env`; a stateless dialect needs neither.
   */
  decodeRequest(body: unknown, ctx?: RequestContext, env?: CodecEnv): unknown | Promise<unknown>;
  /** Canonical chat completion → client body. Undefined means the canonical body as is. */
  encodeResponse?(body: ChatCompletion, ctx: RequestContext): unknown | Promise<unknown>;
  streamEncoder(ctx: RequestContext): StreamEncoder;
  /** The error body; `requestId` is the id the response's `x-request-id` header carries. */
  errorBody(err: GatewayError, requestId: string): unknown;
}
