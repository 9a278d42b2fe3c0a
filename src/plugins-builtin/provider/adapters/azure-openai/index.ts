/**
 * `type: azure-openai` — Azure OpenAI: the OpenAI wire format at
 * {base_url}/openai/deployments/{deployment}/chat/completions?api-version=…, where the
 * deployment is the model's `model` id, authenticated with the `api-key` header.
 */
import type { ProviderAdapterDefinition } from '../../../../engine/types.ts';
import { openaiCompatibleClient } from '../openai/base.ts';
import { HTTP_OPTION_PROPERTIES } from '../../http/options.ts';

export const AZURE_API_VERSION = '2024-10-21';

const azure: ProviderAdapterDefinition = {
  type: 'azure-openai',
  defaultCapabilities: ['chat', 'stream', 'tools', 'vision', 'json_mode', 'embeddings'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...HTTP_OPTION_PROPERTIES,
      api_version: { type: 'string', default: AZURE_API_VERSION, description: 'The api-version query parameter.' },
      stream_usage: { type: 'boolean', default: true, description: 'Ask streams for a final usage chunk (stream_options.include_usage).' },
    },
  },
  create(name, config, env) {
    if (!config.base_url) throw new Error(`provider "${name}": azure-openai needs base_url (https://<resource>.openai.azure.com)`);
    const version = encodeURIComponent(((config.options ?? {}) as { api_version?: string }).api_version ?? AZURE_API_VERSION);
    const path = (model: string, op: string) => `/openai/deployments/${encodeURIComponent(model)}/${op}?api-version=${version}`;
    return openaiCompatibleClient(
      name,
      config,
      {
        type: 'azure-openai',
        defaultBaseUrl: config.base_url,
        defaultCapabilities: azure.defaultCapabilities,
        auth: (key) => ({ 'api-key': key }),
        chatPath: (model) => path(model, 'chat/completions'),
        embeddingsPath: (model) => path(model, 'embeddings'),
        modelInBody: false,
      },
      env,
    );
  },
};

export default azure;
