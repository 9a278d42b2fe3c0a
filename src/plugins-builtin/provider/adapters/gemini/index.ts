/**
 * `type: gemini` — Google's Gemini API: generateContent, streamGenerateContent (SSE),
 * embedContent / batchEmbedContents, with the `x-goog-api-key` header.
 */
import type { ProviderAdapterDefinition, ProviderClient } from '../../../../engine/types.ts';
import { providerHttp } from '../../http/setup.ts';
import { HTTP_OPTION_PROPERTIES } from '../../http/options.ts';
import { chatJsonCall, jsonCall, streamCall } from '../../http/translate.ts';
import { GEMINI_BASE_URL, geminiAuth, geminiPaths } from './api.ts';
import { toGeminiRequest } from './request.ts';
import { fromGeminiResponse } from './response.ts';
import { GeminiStreamTranslator } from './stream.ts';
import { fromGeminiEmbed, toGeminiEmbed } from './embed.ts';

const gemini: ProviderAdapterDefinition = {
  type: 'gemini',
  defaultCapabilities: ['chat', 'stream', 'tools', 'vision', 'json_mode', 'embeddings'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { ...HTTP_OPTION_PROPERTIES, api_version: { type: 'string', default: 'v1beta', description: 'API version path segment (v1beta or v1).' } },
  },
  create(name, config, env): ProviderClient {
    const p = providerHttp(config, GEMINI_BASE_URL, geminiAuth, { name, env });
    const paths = geminiPaths(((config.options ?? {}) as { api_version?: string }).api_version ?? 'v1beta');
    return {
      name,
      type: 'gemini',
      defaultCapabilities: gemini.defaultCapabilities,
      async chat(body, call) {
        const upstream = toGeminiRequest(body);
        if (body.stream === true) return streamCall(p, paths.stream(body.model), upstream, call, () => new GeminiStreamTranslator(body.model, p.scrub));
        return chatJsonCall(p, paths.generate(body.model), upstream, call, (json, status) => fromGeminiResponse(json, status, body.model));
      },
      async embeddings(body, call) {
        const { batch, body: upstream } = toGeminiEmbed(body, paths.resource(body.model));
        return jsonCall(p, batch ? paths.batchEmbed(body.model) : paths.embed(body.model), upstream, call, (json, status) =>
          fromGeminiEmbed(json, status, body),
        );
      },
      close: () => p.http.close(),
    };
  },
};

export default gemini;
