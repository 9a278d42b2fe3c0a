/**
 * A minimal instance of a JSON Schema, deterministic: what the mock provider answers as a
 * tool call's arguments or a json_schema response, so SDKs that validate them (Vercel AI
 * SDK, LangChain, zod) accept them. Required properties only; `const`, then the first
 * `enum` value; numbers at the lowest bound that satisfies minimum/exclusiveMinimum/
 * multipleOf; strings that meet minLength/maxLength, `format` and `pattern`; arrays of
 * minItems items (distinct when uniqueItems); local `$ref`s; allOf merged; anyOf/oneOf
 * take their first branch that is not null.
 *
 * @example
 *   instanceOf({ type: 'object', required: ['city'], properties: { city: { type: 'string' }, unit: { enum: ['C', 'F'] } } })
 *   // { city: 'mock' }
 */
import { numberFor, stringFor } from './scalar-instance.ts';

type Schema = Record<string, unknown>;

/** Deeper than this, a recursive $ref ends in the smallest value of its type. */
const MAX_DEPTH = 12;

export function instanceOf(schema: unknown): unknown {
  return new Generator(schema).value(schema, 0, 0);
}

class Generator {
  constructor(private readonly root: unknown) {}

  /** `variant` makes sibling items of a uniqueItems array differ. */
  value(schema: unknown, variant: number, depth: number): unknown {
    if (!isObj(schema)) return null; // `true`, `false` or garbage: null is as good as anything
    const s = this.resolve(schema, depth);
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum) && s.enum.length) return s.enum[variant % s.enum.length];
    if (Array.isArray(s.allOf))
      return this.value(
        mergeAll(
          s,
          s.allOf.map((x) => (isObj(x) ? this.resolve(x, depth) : {})),
        ),
        variant,
        depth + 1,
      );
    const branches = (Array.isArray(s.anyOf) && s.anyOf) || (Array.isArray(s.oneOf) && s.oneOf);
    if (branches && branches.length) return this.value({ ...withoutKeys(s, ['anyOf', 'oneOf']), ...firstNonNull(branches) }, variant, depth + 1);
    if (depth > MAX_DEPTH) return emptyOf(typeOf(s));
    switch (typeOf(s)) {
      case 'object':
        return this.object(s, variant, depth);
      case 'array':
        return this.array(s, variant, depth);
      case 'string':
        return stringFor(s, variant);
      case 'integer':
        return numberFor(s, true, variant);
      case 'number':
        return numberFor(s, false, variant);
      case 'boolean':
        return variant % 2 === 0;
      default:
        return null;
    }
  }

  /** Follow local `$ref`s (`#`, `#/$defs/x`, `#/definitions/x`); sibling keywords are kept. */
  private resolve(s: Schema, depth: number): Schema {
    let out = s;
    for (let hops = 0; typeof out.$ref === 'string' && hops < 16 && depth <= MAX_DEPTH; hops++) {
      const target = pointer(this.root, out.$ref as string);
      if (!isObj(target)) break;
      out = { ...target, ...withoutKeys(out, ['$ref']) };
    }
    return out;
  }

  private object(s: Schema, variant: number, depth: number): Record<string, unknown> {
    const props = isObj(s.properties) ? s.properties : {};
    const out: Record<string, unknown> = {};
    const required = Array.isArray(s.required) ? (s.required as unknown[]).filter((k): k is string => typeof k === 'string') : [];
    for (const key of required) out[key] = this.value(props[key] ?? additional(s), variant, depth + 1);
    const min = typeof s.minProperties === 'number' ? s.minProperties : 0;
    for (const key of Object.keys(props)) {
      if (Object.keys(out).length >= min) break;
      if (!(key in out)) out[key] = this.value(props[key], variant, depth + 1);
    }
    for (let i = 1; Object.keys(out).length < min; i++) out[`key${i}`] = this.value(additional(s), variant, depth + 1);
    return out;
  }

  private array(s: Schema, variant: number, depth: number): unknown[] {
    const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
    const items = isObj(s.items) ? s.items : {};
    let min = typeof s.minItems === 'number' ? s.minItems : 0;
    if (isObj(s.contains)) min = Math.max(min, typeof s.minContains === 'number' ? s.minContains : 1);
    const out: unknown[] = [];
    for (let i = 0; i < min; i++) {
      const itemSchema = i < prefix.length ? prefix[i] : isObj(s.contains) && i === 0 ? s.contains : items;
      out.push(this.value(itemSchema, s.uniqueItems === true ? variant + i : variant, depth + 1));
    }
    return out;
  }
}

function typeOf(s: Schema): string | undefined {
  const t = s.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? (t.length ? 'null' : undefined);
  if (isObj(s.properties) || Array.isArray(s.required)) return 'object';
  if (s.items !== undefined || Array.isArray(s.prefixItems)) return 'array';
  return undefined;
}

const emptyOf = (type: string | undefined): unknown =>
  type === 'object' ? {} : type === 'array' ? [] : type === 'string' ? '' : type === 'integer' || type === 'number' ? 0 : type === 'boolean' ? false : null;

/** allOf as one schema: properties and required united, the rest taken from the first that sets it. */
function mergeAll(base: Schema, parts: Schema[]): Schema {
  const out: Schema = withoutKeys(base, ['allOf']);
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties' && isObj(v)) out.properties = { ...(isObj(out.properties) ? out.properties : {}), ...v };
      else if (k === 'required' && Array.isArray(v)) out.required = [...new Set([...(Array.isArray(out.required) ? out.required : []), ...v])];
      else if (!(k in out)) out[k] = v;
    }
  }
  return out;
}

function firstNonNull(branches: unknown[]): Schema {
  const pick = branches.find((b) => isObj(b) && b.type !== 'null') ?? branches[0];
  return isObj(pick) ? pick : {};
}

function additional(s: Schema): unknown {
  return isObj(s.additionalProperties) ? s.additionalProperties : {};
}

function pointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObj(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const withoutKeys = (s: Schema, keys: string[]): Schema => Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
