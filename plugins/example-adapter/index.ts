/**
 * An example third-party provider adapter: DeepSeek, an OpenAI-compatible vendor, in
 * ~30 lines on the gateway's OpenAI-compatible base. Load it from gateway.yaml with
 * `type: ./plugins/example-adapter` (resolved against the config file's folder).
 *
 * @example
 *   providers:
 *     deepseek: { type: ./plugins/example-adapter, api_key: ${DEEPSEEK_API_KEY} }
 *   models:
 *     - { name: deepseek-chat, provider: deepseek, model: deepseek-chat }
 */
import type { ProviderAdapterDefinition, ProviderClient } from '../../src/engine/types.ts';
import { openaiCompatibleClient } from '../../src/plugins-builtin/provider/adapters/openai/base.ts';
import schema from './schema.json' with { type: 'json' };

export const DEEPSEEK_BASE_URL = 'https://api.deepseek.com';

const deepseek: ProviderAdapterDefinition = {
  type: 'deepseek',
  defaultCapabilities: ['chat', 'stream', 'tools', 'json_mode'],
  optionsSchema: schema,
  create(name, config): ProviderClient {
    return openaiCompatibleClient(name, config, {
      type: 'deepseek',
      defaultBaseUrl: DEEPSEEK_BASE_URL,
      defaultCapabilities: deepseek.defaultCapabilities,
      auth: (key) => ({ authorization: `Bearer ${key}` }),
      // DeepSeek serves chat at /chat/completions on its root (no /v1 needed) and has no embeddings.
      chatPath: () => '/chat/completions',
    });
  },
};

export default deepseek;
