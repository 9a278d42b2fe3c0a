/**
 * JSON Schemas of the identity objects, shared by the admin API (request bodies), the
 * auth plugin (static `keys:` items) and docs. One definition, so a key created over the
 * admin API and a key declared in YAML accept exactly the same fields.
 */
import type { JSONSchema } from '../../types.ts';

const positive = { type: 'number', exclusiveMinimum: 0 };
const names = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };

export const LIMITS_SCHEMA: JSONSchema = {
  type: 'object',
  description: 'Per-key rate limits, applied by the rate-limit plugin.',
  additionalProperties: false,
  properties: {
    rps: { ...positive, description: 'Requests per second.' },
    rpm: { ...positive, description: 'Requests per minute.' },
    rph: { ...positive, description: 'Requests per hour.' },
    tpm: { ...positive, description: 'Tokens (prompt + completion) per minute.' },
    concurrency: { type: 'integer', minimum: 1, description: 'Requests in flight at once.' },
  },
};

export const BUDGET_SCHEMA: JSONSchema = {
  type: ['object', 'null'],
  description: 'Spend limit in USD over a period.',
  additionalProperties: false,
  required: ['limit'],
  properties: {
    limit: { type: 'number', minimum: 0, description: 'USD; requests are refused once spend reaches it.' },
    period: { enum: ['daily', 'weekly', 'monthly', 'total'], description: 'Window of the budget (UTC). Default monthly.' },
    soft: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Alert threshold as a fraction of limit (e.g. 0.8).' },
  },
};

export const PERMISSIONS_SCHEMA: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    models: { ...names, description: "Client-facing model names; '*' or a trailing '*' wildcard allowed." },
    endpoints: { type: 'array', items: { enum: ['chat', 'embeddings', 'messages', 'responses', 'models', 'proxy'] }, uniqueItems: true },
    providers: { ...names, description: 'Provider names (keys of `providers:`).' },
  },
};

const id = { type: 'string', minLength: 1, maxLength: 200 };
const dateTime = { type: ['string', 'null'], format: 'date-time' };
const metadata = { type: 'object', description: 'Free labels, returned as they are.' };

/** POST /admin/keys and PATCH /admin/keys/:id. */
export const KEY_INPUT_SCHEMA: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 200 },
    user_id: id,
    team_id: id,
    permissions: PERMISSIONS_SCHEMA,
    limits: LIMITS_SCHEMA,
    budget: BUDGET_SCHEMA,
    metadata,
    expires_at: dateTime,
  },
};

/** One item of the YAML `keys:` list (the lead copies this into gateway.schema.json). */
export const STATIC_KEY_SCHEMA: JSONSchema = {
  type: 'object',
  description: 'An API key declared in the config file. `key` is usually ${ENV}; it is hashed at load and never kept.',
  additionalProperties: false,
  required: ['name', 'key'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, description: 'Also the key id (`static:<name>`) in usage and limits.' },
    key: { type: 'string', minLength: 16, description: 'The secret clients send (Bearer or x-api-key).' },
    models: (PERMISSIONS_SCHEMA.properties as Record<string, JSONSchema>).models,
    endpoints: (PERMISSIONS_SCHEMA.properties as Record<string, JSONSchema>).endpoints,
    providers: (PERMISSIONS_SCHEMA.properties as Record<string, JSONSchema>).providers,
    user_id: id,
    team_id: id,
    limits: LIMITS_SCHEMA,
    budget: BUDGET_SCHEMA,
    metadata,
    expires_at: dateTime,
  },
};

export const USER_INPUT_SCHEMA: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id,
    email: { type: ['string', 'null'], maxLength: 320 },
    name: { type: ['string', 'null'], maxLength: 200 },
    team_id: { type: ['string', 'null'] },
    budget: BUDGET_SCHEMA,
    metadata,
  },
};

export const TEAM_INPUT_SCHEMA: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { id, name: { type: 'string', minLength: 1, maxLength: 200 }, budget: BUDGET_SCHEMA, metadata },
};
