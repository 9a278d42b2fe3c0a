/**
 * The structural check of an OpenAI-shaped request body against the schemas of
 * request-schemas.ts, with OpenAI's `param` naming the field at fault. Two users: the
 * `validation` plugin (a 400 before any work is spent) and the `mock` provider, which
 * answers a malformed request as OpenAI's API would — with a 400, never a crash — since
 * bodies reach an adapter unvalidated when `validation` is not in the pipeline.
 *
 * @example
 *   const check = compileRequestChecks();
 *   check.chat({ model: 'm', messages: [], tools: 3 }); // GatewayError 400, param 'messages'
 */
import { Ajv, type ErrorObject } from 'ajv';
import { gatewayError, type GatewayError } from './errors.ts';
import { chatRequestSchema, embeddingsRequestSchema } from './request-schemas.ts';

export interface RequestChecks {
  /** A chat-completions body; undefined when it is well formed. */
  chat(body: unknown): GatewayError | undefined;
  embeddings(body: unknown): GatewayError | undefined;
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

/** Compiled once (at create time of whoever uses it), run per request. */
export function compileRequestChecks(): RequestChecks {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const checker = (schema: object) => {
    const validate = ajv.compile(schema);
    return (body: unknown): GatewayError | undefined => {
      if (validate(body)) return undefined;
      const e = validate.errors![0]!;
      return gatewayError('GW_ERR_INVALID_REQUEST', { message: describe(e), param: paramOf(e) || null });
    };
  };
  return { chat: checker(chatRequestSchema), embeddings: checker(embeddingsRequestSchema) };
}
