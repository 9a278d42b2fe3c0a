/**
 * The mock's minimal schema instances validate: against a corpus of tool/structured-output
 * schemas (ajv, draft 2020-12 with formats), against zod schemas the SDKs send (zod parses
 * the instance back), and against random schemas (fast-check).
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { z } from 'zod';
import { instanceOf } from '../../../../../src/plugins-builtin/provider/adapters/mock/schema-instance.ts';
import { sampleForPattern } from '../../../../../src/plugins-builtin/provider/adapters/mock/pattern.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

function assertValid(schema: object, label = JSON.stringify(schema)): unknown {
  const value = instanceOf(schema);
  const validate = ajv.compile(schema);
  assert.ok(validate(value), `${label}\n→ ${JSON.stringify(value)}\n${ajv.errorsText(validate.errors)}`);
  return value;
}

const CORPUS: Record<string, object> = {
  weather: {
    type: 'object',
    properties: { location: { type: 'string', description: 'City' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location', 'unit'],
    additionalProperties: false,
  },
  nested: {
    type: 'object',
    required: ['order'],
    properties: {
      order: {
        type: 'object',
        required: ['lines', 'id'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          lines: {
            type: 'array',
            minItems: 2,
            uniqueItems: true,
            items: {
              type: 'object',
              required: ['sku', 'qty'],
              properties: { sku: { type: 'string', minLength: 3 }, qty: { type: 'integer', exclusiveMinimum: 0 } },
            },
          },
        },
      },
    },
  },
  numbers: {
    type: 'object',
    required: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    properties: {
      a: { type: 'integer', minimum: 5 },
      b: { type: 'number', exclusiveMinimum: 0 },
      c: { type: 'integer', maximum: -3 },
      d: { type: 'number', multipleOf: 0.25, minimum: 1.1 },
      e: { type: 'integer', exclusiveMaximum: 0 },
      f: { type: 'integer', minimum: 10, maximum: 20, multipleOf: 7 },
      g: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5 },
      h: { type: 'integer', exclusiveMinimum: 2.5, maximum: 3 },
    },
  },
  strings: {
    type: 'object',
    required: ['long', 'short', 'email', 'when', 'id', 'site', 'code', 'alt', 'day'],
    properties: {
      long: { type: 'string', minLength: 10 },
      short: { type: 'string', maxLength: 2 },
      email: { type: 'string', format: 'email' },
      when: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      site: { type: 'string', format: 'uri' },
      code: { type: 'string', pattern: '^[A-Z]{3}-\\d{2,}$' },
      alt: { type: 'string', pattern: '^(foo|bar)+baz$' },
      day: { type: 'string', format: 'date' },
    },
  },
  tree: {
    $defs: {
      node: {
        type: 'object',
        required: ['value', 'children'],
        properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
      },
    },
    $ref: '#/$defs/node',
  },
  combinators: {
    type: 'object',
    required: ['maybe', 'either', 'both', 'fixed', 'typed', 'map'],
    properties: {
      maybe: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 2 }] },
      either: { oneOf: [{ type: 'string', format: 'email' }, { type: 'integer' }] },
      both: {
        allOf: [
          { type: 'object', required: ['x'], properties: { x: { type: 'boolean' } } },
          { required: ['y'], properties: { y: { const: 7 } } },
        ],
      },
      fixed: { const: 'v1' },
      typed: { type: ['null', 'integer'], minimum: 3 },
      map: { type: 'object', minProperties: 2, additionalProperties: { type: 'number', minimum: 1 } },
    },
  },
  arrays: {
    type: 'object',
    required: ['tuple', 'withContains', 'empty'],
    properties: {
      tuple: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer', minimum: 2 }], minItems: 2 },
      withContains: { type: 'array', items: { type: 'integer' }, contains: { type: 'integer', minimum: 10 } },
      empty: { type: 'array', items: { type: 'string' } },
    },
  },
};

describe('mock: minimal JSON Schema instances', () => {
  for (const [name, schema] of Object.entries(CORPUS)) it(`${name}: the instance validates`, () => assertValid(schema, name));

  it('is minimal and deterministic: required properties only, first enum value', () => {
    assert.deepEqual(instanceOf(CORPUS.weather), { location: 'mock', unit: 'celsius' });
    assert.deepEqual(instanceOf({ type: 'object', properties: { a: { type: 'string' } } }), {});
    assert.deepEqual(instanceOf(CORPUS.nested), instanceOf(structuredClone(CORPUS.nested)));
  });

  it('zod schemas (as the AI SDK and LangChain send them): zod parses the instance', () => {
    const Person = z.object({
      name: z.string().min(2),
      email: z.email(),
      age: z.number().int().positive(),
      tags: z.array(z.string()).min(1),
      role: z.enum(['admin', 'user']),
      address: z.object({ city: z.string(), zip: z.string().regex(/^\d{5}$/) }),
      nickname: z.string().optional(),
      id: z.uuid(),
      createdAt: z.iso.datetime(),
      score: z.number().min(0).max(1),
      kind: z.literal('person'),
      maybe: z.string().nullable(),
      union: z.union([z.number(), z.string()]),
      friends: z.array(z.object({ name: z.string() })).length(2),
    });
    for (const target of ['draft-2020-12', 'draft-7'] as const) {
      const json = z.toJSONSchema(Person, { target });
      const v = instanceOf(json);
      Person.parse(v);
      if (target === 'draft-2020-12') assertValid(json as object, 'Person');
    }
  });

  it('patterns: the shortest sample matches, or nothing for syntax it cannot walk', () => {
    assert.equal(sampleForPattern('^[A-Z]{3}-\\d+$'), 'AAA-0');
    assert.equal(sampleForPattern('^a(?:b|c)?d$'), 'ad');
    assert.equal(sampleForPattern('^[^a-z]x$'), 'Ax');
    assert.equal(sampleForPattern('^(\\w)\\1$'), undefined);
    assert.equal(sampleForPattern('(?<=a)b'), undefined);
  });

  it('random numeric bounds (fast-check): the instance is in range and on the grid', () => {
    const bounded = fc
      .record({
        type: fc.constantFrom('integer', 'number'),
        lo: fc.integer({ min: -1000, max: 1000 }),
        gap: fc.integer({ min: 6, max: 50 }),
        step: fc.option(fc.constantFrom(1, 2, 3, 0.5, 0.25), { nil: undefined }),
        loExclusive: fc.boolean(),
        hiExclusive: fc.boolean(),
        useLo: fc.boolean(),
        useHi: fc.boolean(),
      })
      .map((r) => {
        const s: Record<string, unknown> = { type: r.type };
        const hi = r.lo + r.gap * (r.step ?? 1);
        if (r.useLo) s[r.loExclusive ? 'exclusiveMinimum' : 'minimum'] = r.lo;
        if (r.useHi) s[r.hiExclusive ? 'exclusiveMaximum' : 'maximum'] = hi;
        if (r.step) s.multipleOf = r.step;
        return s;
      });
    fc.assert(
      fc.property(bounded, (s) => void assertValid(s)),
      { numRuns: 500 },
    );
  });

  it('random schemas (fast-check): every instance validates', () => {
    const leaf = fc.oneof(
      fc.record({
        type: fc.constant('string'),
        minLength: fc.option(fc.nat(8), { nil: undefined }),
        maxLength: fc.option(fc.integer({ min: 8, max: 12 }), { nil: undefined }),
      }),
      fc.record({
        type: fc.constantFrom('integer', 'number'),
        minimum: fc.option(fc.integer({ min: -50, max: 50 }), { nil: undefined }),
        exclusiveMaximum: fc.option(fc.integer({ min: 60, max: 100 }), { nil: undefined }),
        multipleOf: fc.option(fc.constantFrom(1, 2, 5, 0.5), { nil: undefined }),
      }),
      fc.record({ type: fc.constant('boolean') }),
      fc.record({ enum: fc.uniqueArray(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 4 }) }),
      fc.record({ const: fc.jsonValue() }),
      fc.record({ type: fc.constant('string'), format: fc.constantFrom('email', 'date-time', 'date', 'uuid', 'uri', 'ipv4', 'hostname') }),
    );
    const { schema } = fc.letrec((tie) => ({
      schema: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array'), tie('nullable')),
      object: fc
        .dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie('schema'), { maxKeys: 4 })
        .chain((props) => fc.subarray(Object.keys(props)).map((required) => ({ type: 'object', properties: props, required, additionalProperties: false }))),
      array: fc.record({ type: fc.constant('array'), items: tie('schema'), minItems: fc.nat(3) }),
      nullable: tie('schema').map((s) => ({ anyOf: [s, { type: 'null' }] })),
    }));
    fc.assert(
      fc.property(schema, (s) => {
        assertValid(s as object);
      }),
      { numRuns: 300 },
    );
  });
});
