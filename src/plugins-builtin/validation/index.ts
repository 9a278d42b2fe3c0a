/**
 * Validates request bodies (types, OpenAI's ranges, size limits) with a 400 naming the
 * field, so no later plugin or upstream spends work on a request that cannot succeed.
 * (Unknown models are refused by the provider plugin, after the router resolved aliases.) Schemas are compiled once per generation.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { PluginDefinition } from '../../engine/types.ts';
import { gatewayError } from '../../engine/errors.ts';
import { chatRequestSchema, embeddingsRequestSchema } from './request-schemas.ts';
import schema from './schema.json' with { type: 'json' };

interface ValidationConfig {
  max_messages: number;
  max_embedding_inputs: number;
}

/** `/messages/0/role` → `messages[0].role` (OpenAI's `param` style). */
export function paramOf(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1);
  const missing = e.keyword === 'required' ? [(e.params as { missingProperty: string }).missingProperty] : [];
  return [...parts, ...missing].reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function describe(e: ErrorObject): string {
  const param = paramOf(e);
  if (e.keyword === 'required') return `'${param}' is required.`;
  if (e.keyword === 'enum') return `'${param}' must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}.`;
  return `'${param || 'body'}' ${e.message ?? 'is invalid'}.`;
}

const validation: PluginDefinition<ValidationConfig> = {
  name: 'validation',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Request body validation.',
  configSchema: schema,
  create(config) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    const chat = ajv.compile(chatRequestSchema);
    const embeddings = ajv.compile(embeddingsRequestSchema);
    return {
      onRequest(ctx) {
        // GET/DELETE /v1/responses/{id} carry no body.
        const ep = ctx.endpoint;
        if ((ep !== 'chat' && ep !== 'messages' && ep !== 'count_tokens' && ep !== 'responses' && ep !== 'embeddings') || ctx.body === undefined) return;
        const check = ctx.endpoint === 'embeddings' ? embeddings : chat;
        if (!check(ctx.body)) {
          const e = check.errors![0]!;
          throw gatewayError('GW_ERR_INVALID_REQUEST', { message: describe(e), param: paramOf(e) || null });
        }
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
