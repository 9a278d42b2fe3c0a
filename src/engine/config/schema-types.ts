/**
 * TypeScript declarations written from a JSON Schema, for the config sections whose schema
 * is the source of truth (the routing policy, the router's config): `npm run schemas`
 * writes them and the drift test checks them, so a field added to the schema reaches the
 * code's types, and a type cannot grow a field the schema refuses. It covers the JSON
 * Schema the gateway's config schemas use: objects, maps (`additionalProperties`),
 * arrays, enums, `const`, `oneOf`/`anyOf`, and `$ref` to definitions or, through
 * `refType`, to another schema's types.
 *
 * @example
 *   declarations(schema, { rootName: 'RoutingConfig' })
 *   // 'export type Strategy = "weighted" | …;\nexport interface RoutingConfig { strategy?: Strategy; … }'
 */
import type { JSONSchema } from '../types.ts';

export interface DeclarationOptions {
  /** The root object's interface name. */
  rootName: string;
  /** The type a `$ref` outside the schema stands for (undefined: not known, an error). */
  refType?: (ref: string) => string | undefined;
}

/** Exported declarations: one per definition, then the root interface. */
export function declarations(schema: Readonly<JSONSchema>, opts: DeclarationOptions): string {
  const out: string[] = [];
  const defs = (schema.definitions ?? {}) as Record<string, JSONSchema>;
  for (const [name, def] of Object.entries(defs)) out.push(declare(typeName(name), def, opts));
  out.push(declare(opts.rootName, schema, opts));
  return out.join('\n\n');
}

/** `strategy` → `Strategy`, `hedge_budget` → `HedgeBudget`. */
export function typeName(key: string): string {
  return key.replace(/(^|[_-])([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

function declare(name: string, s: JSONSchema, opts: DeclarationOptions): string {
  const doc = comment(s, '');
  if (s.type === 'object' && s.properties) return `${doc}export interface ${name} ${objectType(s, opts, '')}`;
  return `${doc}export type ${name} = ${typeOf(s, opts, '')};`;
}

function typeOf(s: JSONSchema, opts: DeclarationOptions, indent: string): string {
  if (typeof s.$ref === 'string') return refOf(s.$ref, opts);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in s) return JSON.stringify(s.const);
  const union = (s.oneOf ?? s.anyOf) as JSONSchema[] | undefined;
  if (union) return union.map((u) => typeOf(u, opts, indent)).join(' | ');
  if (Array.isArray(s.type)) return s.type.map((t: unknown) => typeOf({ ...s, type: t }, opts, indent)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = s.items && typeof s.items === 'object' ? typeOf(s.items as JSONSchema, opts, indent) : 'unknown';
      return /[ |]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
      if (s.properties) return objectType(s, opts, indent);
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        return `Record<string, ${typeOf(s.additionalProperties as JSONSchema, opts, indent)}>`;
      return 'Record<string, unknown>';
    default:
      return 'unknown';
  }
}

function objectType(s: JSONSchema, opts: DeclarationOptions, indent: string): string {
  const inner = `${indent}  `;
  const required = new Set((s.required ?? []) as string[]);
  const lines = Object.entries(s.properties as Record<string, JSONSchema>).map(function property([key, p]) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return `${comment(p, inner)}${inner}${k}${required.has(key) ? '' : '?'}: ${typeOf(p, opts, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function refOf(ref: string, opts: DeclarationOptions): string {
  const local = /^#\/definitions\/([^/]+)$/.exec(ref);
  if (local) return typeName(local[1]!);
  const known = opts.refType?.(ref);
  if (known === undefined) throw new Error(`schema-types: cannot resolve $ref "${ref}"`);
  return known;
}

function comment(s: JSONSchema, indent: string): string {
  const text = typeof s.description === 'string' ? s.description : undefined;
  const dflt = 'default' in s ? `Default: ${JSON.stringify(s.default)}.` : undefined;
  const body = [text, dflt].filter(Boolean).join(' ');
  return body ? `${indent}/** ${body.replace(/\*\//g, '*\\/')} */\n` : '';
}
