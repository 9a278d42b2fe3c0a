/**
 * Minimal valid scalars for schema-instance.ts: a string that meets minLength/maxLength,
 * `format` and `pattern`; a number at the lowest value its bounds and multipleOf allow.
 *
 * @example
 *   numberFor({ type: 'integer', exclusiveMinimum: 2.5 }, true, 0) // 3
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

export function stringFor(s: Schema, variant: number): string {
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
export function numberFor(s: Schema, integer: boolean, variant: number): number {
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

function matches(pattern: string, v: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(v);
  } catch {
    return true;
  }
}
