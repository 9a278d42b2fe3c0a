/**
 * `type: cohere` — Cohere Chat v2 (POST /v2/chat) and Embed v2 (POST /v2/embed, float
 * embeddings), translated to and from the canonical OpenAI shapes.
 */
import type { ProviderAdapterDefinition, ProviderClient } from '../../../../engine/types.ts';
import { providerHttp } from '../../http/setup.ts';
import { HTTP_OPTION_PROPERTIES } from '../../http/options.ts';
import { chatJsonCall, jsonCall, streamCall } from '../../http/translate.ts';
import { COHERE_BASE_URL, CHAT_PATH, EMBED_PATH, cohereAuth } from './api.ts';
import { fromCohereChat, fromCohereEmbed, toCohereChat, toCohereEmbed } from './transform.ts';
import { CohereStreamTranslator } from './stream.ts';

const cohere: ProviderAdapterDefinition = {
  type: 'cohere',
  defaultCapabilities: ['chat', 'stream', 'tools', 'json_mode', 'embeddings'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...HTTP_OPTION_PROPERTIES,
      embed_input_type: {
        type: 'string',
        default: 'search_document',
        enum: ['search_document', 'search_query', 'classification', 'clustering'],
        description: 'Embed v2 input_type sent with every embeddings request.',
      },
    },
  },
  create(name, config, env): ProviderClient {
    const p = providerHttp(config, COHERE_BASE_URL, cohereAuth, { name, env });
    const inputType = ((config.options ?? {}) as { embed_input_type?: string }).embed_input_type ?? 'search_document';
    return {
      name,
      type: 'cohere',
      defaultCapabilities: cohere.defaultCapabilities,
      async chat(body, call) {
        const upstream = toCohereChat(body);
        if (body.stream === true) return streamCall(p, CHAT_PATH, upstream, call, () => new CohereStreamTranslator(body.model, p.scrub));
        return chatJsonCall(p, CHAT_PATH, upstream, call, (json, status) => ({ ...fromCohereChat(json, status), model: body.model }));
      },
      embeddings: (body, call) => jsonCall(p, EMBED_PATH, toCohereEmbed(body, inputType), call, (json, status) => fromCohereEmbed(json, status, body)),
      close: () => p.http.close(),
    };
  },
};

export default cohere;
