/**
 * Drives a native (non-OpenAI) event stream through a per-request translator into
 * canonical chunks, and the two call shapes every native adapter needs (JSON in/out,
 * JSON in/SSE out), so an adapter is only its request/response/chunk transforms.
 *
 * @example
 *   return streamCall(p, '/v1/messages', upstreamBody, call, () => new AnthropicStreamTranslator(model));
 */
import type { CallOptions, JsonUpstreamResponse, StreamEvent, StreamUpstreamResponse } from '../../../engine/types.ts';
import type { ChatCompletion } from '../../../engine/openai-types.ts';
import type { ProviderHttp } from './setup.ts';
import type { SseEvent } from './types.ts';
import { pickHeaders } from '../adapters/openai/headers.ts';

export interface StreamTranslator {
  /** One upstream event → canonical events (none, one or several). Throws GatewayError on provider error events. */
  onEvent(ev: SseEvent): StreamEvent | StreamEvent[] | undefined;
  /** Upstream EOF: the closing events (finish, usage); throws GW_ERR_BAD_UPSTREAM_RESPONSE if the answer was cut. */
  onEnd(): StreamEvent[];
}

/** Pull-based translation: one upstream event is read per consumer pull (plus what it expands to). */
export async function* translateStream(sse: AsyncGenerator<SseEvent>, t: StreamTranslator): AsyncGenerator<StreamEvent> {
  for await (const ev of sse) {
    const out = t.onEvent(ev);
    if (out === undefined) continue;
    if (Array.isArray(out)) {
      for (let i = 0; i < out.length; i++) yield out[i]!;
    } else yield out;
  }
  const tail = t.onEnd();
  for (let i = 0; i < tail.length; i++) yield tail[i]!;
}

/** POST a JSON body, transform the JSON answer. */
export async function jsonCall(
  p: ProviderHttp,
  path: string,
  body: unknown,
  call: CallOptions,
  transform: (json: unknown, status: number) => unknown,
  headers: Record<string, string> = p.headers,
): Promise<JsonUpstreamResponse> {
  const res = await p.http.post(path, { headers, body: JSON.stringify(body), call });
  const { body: json } = await res.json();
  return { kind: 'json', status: res.status, headers: pickHeaders(res.headers), body: transform(json, res.status) };
}

/**
 * POST a chat request, transform the JSON answer into a ChatCompletion carrying every field
 * OpenAI's spec requires of one (`choices[].logprobs`, `message.refusal`: null when the
 * provider has none), so strict clients and validators accept it.
 */
export function chatJsonCall(
  p: ProviderHttp,
  path: string,
  body: unknown,
  call: CallOptions,
  transform: (json: unknown, status: number) => ChatCompletion,
  headers: Record<string, string> = p.headers,
): Promise<JsonUpstreamResponse> {
  return jsonCall(p, path, body, call, (json, status) => withRequiredFields(transform(json, status)), headers);
}

function withRequiredFields(c: ChatCompletion): ChatCompletion {
  for (const choice of c.choices) {
    choice.logprobs ??= null;
    choice.message.refusal ??= null;
  }
  return c;
}

/** POST a JSON body, translate the SSE answer. */
export async function streamCall(
  p: ProviderHttp,
  path: string,
  body: unknown,
  call: CallOptions,
  translator: () => StreamTranslator,
  headers: Record<string, string> = p.headers,
): Promise<StreamUpstreamResponse> {
  const res = await p.http.post(path, { headers: { ...headers, accept: 'text/event-stream' }, body: JSON.stringify(body), call });
  return { kind: 'stream', status: res.status, headers: pickHeaders(res.headers), events: translateStream(res.sse(), translator()) };
}
