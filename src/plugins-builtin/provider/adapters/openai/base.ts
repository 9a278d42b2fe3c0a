/**
 * The OpenAI-compatible client every OpenAI-shaped vendor is built from (OpenAI, vLLM,
 * Ollama, TGI's OpenAI route, Azure OpenAI, third-party adapters): a vendor only says
 * where the endpoints are and how it authenticates.
 *
 * @example
 *   const client = openaiCompatibleClient(name, config, {
 *     type: 'my-vendor', defaultBaseUrl: 'https://api.vendor.ai/v1',
 *     auth: (key) => ({ authorization: `Bearer ${key}` }),
 *   });
 */
import type { AdapterEnv, CallOptions, ProviderClient, UpstreamResponse } from '../../../../engine/types.ts';
import type { Capability, ChatRequest, EmbeddingsRequest } from '../../../../engine/openai-types.ts';
import type { ProviderConfig } from '../../../../engine/config/types.ts';
import { providerHttp } from '../../http/setup.ts';
import { badUpstream } from '../../http/errors.ts';
import { openaiEvents } from './stream.ts';
import { pickHeaders } from './headers.ts';
import { withIncludeUsage } from './include-usage.ts';

export interface OpenAICompatibleSpec {
  type: string;
  defaultBaseUrl: string;
  defaultCapabilities: readonly Capability[];
  auth(apiKey: string): Record<string, string>;
  /** Path (after base_url) of chat completions for this upstream model; default `/chat/completions`. */
  chatPath?(model: string): string;
  embeddingsPath?(model: string): string;
  /** Whether the upstream expects `model` in the body (Azure's deployment is in the URL). Default true. */
  modelInBody?: boolean;
}

export function openaiCompatibleClient(name: string, config: Readonly<ProviderConfig>, spec: OpenAICompatibleSpec, env?: AdapterEnv): ProviderClient {
  const { http, headers, scrub } = providerHttp(config, spec.defaultBaseUrl, spec.auth, { name, env });
  const streamUsage = (config.options as { stream_usage?: boolean } | undefined)?.stream_usage !== false;
  const chatPath = spec.chatPath ?? (() => '/chat/completions');
  const embeddingsPath = spec.embeddingsPath ?? (() => '/embeddings');
  const modelInBody = spec.modelInBody !== false;

  /**
   * Serialise only when the upstream body would differ from the client's bytes by more
   * than the include_usage field, which is spliced into them when they have no
   * stream_options at all.
   */
  function bytesFor(body: ChatRequest | EmbeddingsRequest, call: CallOptions, addUsage: boolean): string | Buffer {
    const raw = modelInBody && call.requestedModel === body.model ? call.rawBody : undefined;
    if (raw) {
      if (!addUsage) return raw;
      const spliced = 'stream_options' in body ? undefined : withIncludeUsage(raw);
      if (spliced) return spliced;
    }
    let out: Record<string, unknown> = body;
    if (addUsage) out = { ...out, stream_options: { ...(body as ChatRequest).stream_options, include_usage: true } };
    if (!modelInBody) {
      const { model: _m, ...rest } = out;
      out = rest;
    }
    return JSON.stringify(out);
  }

  async function chat(body: ChatRequest, call: CallOptions): Promise<UpstreamResponse> {
    const addUsage = body.stream === true && streamUsage && body.stream_options?.include_usage !== true;
    const res = await http.post(chatPath(body.model), { headers, body: bytesFor(body, call, addUsage), call });
    if (body.stream === true) return { kind: 'stream', status: res.status, headers: pickHeaders(res.headers), events: res.sse(openaiEvents(scrub)) };
    const { raw, body: json } = await res.json();
    if (!Array.isArray((json as { choices?: unknown }).choices)) throw badUpstream('the body has no choices', res.status);
    return { kind: 'json', status: res.status, headers: pickHeaders(res.headers), body: json, raw };
  }

  async function embeddings(body: EmbeddingsRequest, call: CallOptions): Promise<UpstreamResponse> {
    const res = await http.post(embeddingsPath(body.model), { headers, body: bytesFor(body, call, false), call });
    const { raw, body: json } = await res.json();
    if (!Array.isArray((json as { data?: unknown }).data)) throw badUpstream('the body has no data', res.status);
    return { kind: 'json', status: res.status, headers: pickHeaders(res.headers), body: json, raw };
  }

  return {
    name,
    type: spec.type,
    defaultCapabilities: spec.defaultCapabilities,
    chat,
    embeddings,
    close: () => http.close(),
  };
}
