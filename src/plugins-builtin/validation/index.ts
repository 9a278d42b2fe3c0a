/**
 * Validates request bodies (types, OpenAI's ranges, size limits) with a 400 naming the
 * field, so no later plugin or upstream spends work on a request that cannot succeed.
 * (Unknown models are refused by the provider plugin, after the router resolved aliases.) Schemas are compiled once per generation.
 */
import type { PluginDefinition } from '../../engine/types.ts';
import { gatewayError } from '../../engine/errors.ts';
import { compileRequestChecks } from '../../engine/request-check.ts';
import schema from './schema.json' with { type: 'json' };

interface ValidationConfig {
  max_messages: number;
  max_embedding_inputs: number;
}

const validation: PluginDefinition<ValidationConfig> = {
  name: 'validation',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Request body validation.',
  configSchema: schema,
  create(config) {
    const checks = compileRequestChecks();
    return {
      onRequest(ctx) {
        // GET/DELETE /v1/responses/{id} carry no body.
        const ep = ctx.endpoint;
        if ((ep !== 'chat' && ep !== 'messages' && ep !== 'count_tokens' && ep !== 'responses' && ep !== 'embeddings') || ctx.body === undefined) return;
        const invalid = ctx.endpoint === 'embeddings' ? checks.embeddings(ctx.body) : checks.chat(ctx.body);
        if (invalid) throw invalid;
        const b = ctx.body as { messages?: unknown[]; input?: unknown };
        if (b.messages && b.messages.length > config.max_messages) {
          throw gatewayError('GW_ERR_INVALID_REQUEST', { message: `At most ${config.max_messages} messages are allowed.`, param: 'messages' });
        }
        if (Array.isArray(b.input) && b.input.length > config.max_embedding_inputs) {
          throw gatewayError('GW_ERR_INVALID_REQUEST', { message: `At most ${config.max_embedding_inputs} inputs are allowed.`, param: 'input' });
        }
      },
    };
  },
};

export default validation;
