/**
 * An example third-party provider adapter: DeepSeek, an OpenAI-compatible vendor, in
 * ~30 lines on the gateway's OpenAI-compatible base. It imports only the public plugin API
 * (`llm-gateway/plugin`), as an adapter published on npm does. Load it from gateway.yaml
 * with `type: ./plugins/example-adapter` (resolved against the config file's folder).
 *
 * @example
 *   providers:
 *     deepseek: { type: ./plugins/example-adapter, api_key: ${DEEPSEEK_API_KEY} }
 *   models:
 *     - { name: deepseek-chat, provider: deepseek, model: deepseek-chat }
 */
import { defineAdapter, openaiCompatibleClient, type Capability } from 'llm-gateway/plugin';
import schema from './schema.json' with { type: 'json' };

export const DEEPSEEK_BASE_URL = 'https://api.deepseek.com';
const CAPABILITIES: readonly Capability[] = ['chat', 'stream', 'tools', 'json_mode'];

export default defineAdapter({
  type: 'deepseek',
  defaultCapabilities: CAPABILITIES,
  optionsSchema: schema,
  create(name, config, env) {
    return openaiCompatibleClient(
      name,
      config,
      {
        type: 'deepseek',
        defaultBaseUrl: DEEPSEEK_BASE_URL,
        defaultCapabilities: CAPABILITIES,
        auth: (key) => ({ authorization: `Bearer ${key}` }),
        // DeepSeek serves chat at /chat/completions on its root (no /v1 needed) and has no embeddings.
        chatPath: () => '/chat/completions',
      },
      env,
    );
  },
});
