/**
 * `type: openai` — OpenAI and any OpenAI-compatible server (vLLM, Ollama, TGI's
 * OpenAI route, LM Studio…): POST {base_url}/chat/completions and /embeddings with a
 * Bearer key. Streams always ask for `stream_options.include_usage` so usage is recorded
 * (set `options.stream_usage: false` for a server that rejects it).
 */
import type { ProviderAdapterDefinition } from '../../../../engine/types.ts';
import { openaiCompatibleClient } from './base.ts';
import { HTTP_OPTION_PROPERTIES } from '../../http/options.ts';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

const openai: ProviderAdapterDefinition = {
  type: 'openai',
  defaultCapabilities: ['chat', 'stream', 'tools', 'vision', 'json_mode', 'embeddings'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...HTTP_OPTION_PROPERTIES,
      stream_usage: { type: 'boolean', default: true, description: 'Ask streams for a final usage chunk (stream_options.include_usage).' },
      organization: { type: 'string', description: 'Sent as OpenAI-Organization.' },
      project: { type: 'string', description: 'Sent as OpenAI-Project.' },
    },
  },
  create(name, config, env) {
    const o = (config.options ?? {}) as { organization?: string; project?: string };
    return openaiCompatibleClient(
      name,
      config,
      {
        type: 'openai',
        defaultBaseUrl: OPENAI_BASE_URL,
        defaultCapabilities: openai.defaultCapabilities,
        auth: (key) => ({
          authorization: `Bearer ${key}`,
          ...(o.organization ? { 'openai-organization': o.organization } : {}),
          ...(o.project ? { 'openai-project': o.project } : {}),
        }),
      },
      env,
    );
  },
};

export default openai;
