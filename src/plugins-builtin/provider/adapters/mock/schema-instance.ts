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
import { sampleForPattern } from './pattern.ts';

type Schema = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  email: 'mock@example.com',
  'idn-email': 'mock@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  'uri-reference': 'https://example.com',
  iri: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  duration: 'P1D',
  byte: 'bW9jaw==',
  'json-pointer': '/mock',
  regex: 'mock',
};

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

function stringFor(s: Schema, variant: number): string {
  const format = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
  let v = format ?? (variant ? `mock-${variant}` : 'mock');
  if (typeof s.pattern === 'string' && !matches(s.pattern, v)) v = sampleForPattern(s.pattern) ?? v;
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  if (v.length < min) v += 'x'.repeat(min - v.length);
  if (v.length > max) v = v.slice(0, max);
  return v;
}

/** 0 when allowed; else the lowest value past the lower bounds (on the multipleOf grid), else one under the upper ones. */
function numberFor(s: Schema, integer: boolean, variant: number): number {
  const step = typeof s.multipleOf === 'number' && s.multipleOf > 0 ? s.multipleOf : undefined;
  const unit = step ?? 1;
  const min = num(s.minimum),
    xmin = num(s.exclusiveMinimum),
    max = num(s.maximum),
    xmax = num(s.exclusiveMaximum);
  const ok = (v: number) =>
    (min === undefined || v >= min) &&
    (xmin === undefined || v > xmin) &&
    (max === undefined || v <= max) &&
    (xmax === undefined || v < xmax) &&
    (!integer || Number.isInteger(v)) &&
    (step === undefined || Math.abs(v / step - Math.round(v / step)) < 1e-9);
  /** Onto the grid (multipleOf, integers), rounding up or down. */
  const grid = (v: number, up: boolean) => {
    const g = step ? (up ? Math.ceil(v / step - 1e-9) : Math.floor(v / step + 1e-9)) * step : v;
    return integer ? (up ? Math.ceil(g) : Math.floor(g)) : g;
  };
  let v = 0;
  if (min !== undefined && v < min) v = min;
  // Past an exclusive bound: the grid steps past it; a free number steps one unit past it.
  if (xmin !== undefined && v <= xmin) v = xmin + (integer || step ? 0 : unit);
  v = grid(v, true);
  if (xmin !== undefined && v <= xmin) v = grid(v + unit, true);
  // Over the upper bounds: the middle of the allowed range, or one unit under the top.
  const top = max ?? xmax;
  const bottom = min ?? xmin;
  if (!ok(v) && top !== undefined) {
    const mid = bottom === undefined ? (max ?? top - unit) : (bottom + top) / 2;
    v = [grid(mid, false), grid(mid, true), grid(top - unit, false)].find(ok) ?? v;
  }
  const varied = v + variant * unit;
  return ok(varied) ? varied : v;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

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

function matches(pattern: string, v: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(v);
  } catch {
    return true;
  }
}

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const withoutKeys = (s: Schema, keys: string[]): Schema => Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
