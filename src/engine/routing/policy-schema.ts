/**
 * The routing-policy schema (policy.schema.json) is written once and `$ref`'d by the
 * provider plugin (its `routing` section) and the router plugin (its top-level policy
 * fields). Plugin schemas are compiled alone (the registry hands ajv one schema per
 * plugin), so each plugin inlines those references when it is defined: the result is the
 * schema ajv validates, `npm run schemas` publishes and editors complete.
 *
 * @example
 *   // router/schema.json: "fallbacks": { "$ref": "../../engine/routing/policy.schema.json#/properties/fallbacks" }
 *   const configSchema = withRoutingPolicy(schema); // the chains inlined, definitions merged
 */
import type { JSONSchema } from '../types.ts';
import policySchema from './policy.schema.json' with { type: 'json' };

/** The shared schema as parsed JSON (the source of the generated TypeScript types too). */
export const ROUTING_POLICY_SCHEMA: Readonly<JSONSchema> = policySchema;

/** A reference to the shared file, from wherever the referring schema sits. */
const POLICY_REF = /(?:^|\/)policy\.schema\.json#?(\/.*)?$/;
/** Keywords of the shared file's root that belong to the file, not to what is inlined. */
const FILE_KEYWORDS = new Set(['$comment', '$schema', '$id', 'definitions']);

/**
 * `schema` with every reference to the routing-policy schema replaced by what it points
 * at, and the policy's definitions merged into its own (a name used by both for different
 * things is a bug: it throws).
 */
export function withRoutingPolicy(schema: Readonly<JSONSchema>): JSONSchema {
  const shared = policySchema.definitions as Record<string, unknown>;
  const own = (schema.definitions ?? {}) as Record<string, unknown>;
  for (const [name, def] of Object.entries(shared)) {
    if (name in own && JSON.stringify(own[name]) !== JSON.stringify(def)) throw new Error(`schema definition "${name}" clashes with the routing policy's`);
  }
  const inlined = inline(schema) as JSONSchema;
  return { ...inlined, definitions: { ...own, ...structuredClone(shared) } };
}

function inline(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inline);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  const m = typeof o.$ref === 'string' ? POLICY_REF.exec(o.$ref) : null;
  if (m) {
    const { $ref: _ref, ...siblings } = o;
    return { ...target(m[1] ?? ''), ...(inline(siblings) as object) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = inline(v);
  return out;
}

/** The part of the shared schema a JSON pointer names (a copy). */
function target(pointer: string): Record<string, unknown> {
  let at: unknown = policySchema;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
    if (at === undefined) throw new Error(`no "${pointer}" in the routing-policy schema`);
  }
  const copy = structuredClone(at) as Record<string, unknown>;
  if (pointer === '') for (const k of FILE_KEYWORDS) delete copy[k];
  return copy;
}
