/**
 * `type: anthropic` — Anthropic's Messages API (POST /v1/messages, `x-api-key`,
 * `anthropic-version`), translated to and from the canonical OpenAI shapes.
 */
import type { ProviderAdapterDefinition, ProviderClient } from '../../../../engine/types.ts';
import { providerHttp } from '../../http/setup.ts';
import { HTTP_OPTION_PROPERTIES } from '../../http/options.ts';
import { chatJsonCall, streamCall } from '../../http/translate.ts';
import { ANTHROPIC_BASE_URL, ANTHROPIC_VERSION, MESSAGES_PATH, anthropicAuth } from './api.ts';
import { toAnthropicRequest } from './request.ts';
import { fromAnthropicMessage } from './response.ts';
import { AnthropicStreamTranslator } from './stream.ts';

interface AnthropicOptions {
  version?: string;
  beta?: string;
  default_max_tokens?: number;
}

const anthropic: ProviderAdapterDefinition = {
  type: 'anthropic',
  // JSON against a schema (output_config.format), but no bare JSON-object mode.
  defaultCapabilities: ['chat', 'stream', 'tools', 'vision', 'structured_output'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...HTTP_OPTION_PROPERTIES,
      version: { type: 'string', default: ANTHROPIC_VERSION, description: 'The anthropic-version header.' },
      beta: { type: 'string', description: 'The anthropic-beta header (comma-separated feature flags).' },
      default_max_tokens: {
        type: 'integer',
        minimum: 1,
        default: 4096,
        description: "max_tokens when neither the request nor the model's max_output_tokens sets it (plus the thinking budget when reasoning_effort is set).",
      },
    },
  },
  create(name, config, env): ProviderClient {
    const o = (config.options ?? {}) as AnthropicOptions;
    const p = providerHttp(config, ANTHROPIC_BASE_URL, anthropicAuth(o), { name, env });
    // The version header is needed even when a proxy in front holds the key.
    const headers = Object.freeze({ 'anthropic-version': o.version ?? ANTHROPIC_VERSION, ...p.headers });
    const fallbackMax = o.default_max_tokens ?? 4096;
    return {
      name,
      type: 'anthropic',
      defaultCapabilities: anthropic.defaultCapabilities,
      async chat(body, call) {
        const upstream = toAnthropicRequest(body, fallbackMax, call.deployment.maxOutputTokens);
        if (body.stream === true) return streamCall(p, MESSAGES_PATH, upstream, call, () => new AnthropicStreamTranslator(body.model, p.scrub), headers);
        return chatJsonCall(p, MESSAGES_PATH, upstream, call, fromAnthropicMessage, headers);
      },
      close: () => p.http.close(),
    };
  },
};

export default anthropic;
