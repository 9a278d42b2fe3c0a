/**
 * The one routing-policy schema: referenced by the provider and router plugins, inlined
 * when they are defined (plugin schemas compile alone), and the source of the config's
 * TypeScript types (the generated files themselves are drift-checked by
 * test/engine/config/schemas-drift.test.ts).
 */
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { ROUTING_POLICY_SCHEMA, withRoutingPolicy } from '../../../src/engine/routing/policy-schema.ts';
import { declarations } from '../../../src/engine/config/schema-types.ts';
import router from '../../../src/plugins-builtin/router/index.ts';
import provider from '../../../src/plugins-builtin/provider/index.ts';

const REF = '../../engine/routing/policy.schema.json';

describe('routing/policy-schema', () => {
  it('inlines references to the shared schema (whole, or a property) and merges its definitions', () => {
    const s = withRoutingPolicy({
      type: 'object',
      properties: { routing: { $ref: REF, description: 'mine' }, fallbacks: { $ref: `${REF}#/properties/fallbacks` } },
    });
    const props = s.properties as Record<string, Record<string, unknown>>;
    assert.equal(props.routing!.description, 'mine', 'a sibling of $ref is kept');
    assert.equal(props.routing!.$comment, undefined, "the file's own keywords are not inlined");
    assert.deepEqual(props.routing!.properties, ROUTING_POLICY_SCHEMA.properties);
    assert.deepEqual(props.fallbacks, (ROUTING_POLICY_SCHEMA.properties as Record<string, unknown>).fallbacks);
    assert.deepEqual(Object.keys(s.definitions as object), Object.keys(ROUTING_POLICY_SCHEMA.definitions as object));
    assert.equal(JSON.stringify(s).includes('policy.schema.json'), false);
  });

  it('refuses a definition that clashes with the shared ones, and a pointer to nothing', () => {
    assert.throws(() => withRoutingPolicy({ definitions: { strategy: { type: 'number' } } }), /clashes with the routing policy/);
    assert.throws(() => withRoutingPolicy({ properties: { x: { $ref: `${REF}#/properties/nope` } } }), /no "\/properties\/nope"/);
  });

  it('both plugins validate the same policy the same way', () => {
    const ajv = new Ajv({ strict: true, useDefaults: true, allowUnionTypes: true });
    const viaRouter = ajv.compile(router.configSchema);
    const viaProvider = ajv.compile(provider.configSchema);
    const good = { strategy: 'latency', fallbacks: { a: { context_length_exceeded: ['b'] } }, max_attempts: 2 };
    const bad = { strategy: 'fastest' };
    assert.equal(viaRouter(structuredClone(good)), true, JSON.stringify(viaRouter.errors));
    assert.equal(viaProvider({ routing: structuredClone(good) }), true, JSON.stringify(viaProvider.errors));
    assert.equal(viaRouter(structuredClone(bad)), false);
    assert.equal(viaProvider({ routing: structuredClone(bad) }), false);
    // Defaults apply inside the policy as they did before it was shared.
    const withDefaults: Record<string, unknown> = { breaker: {} };
    viaRouter(withDefaults);
    assert.equal((withDefaults.breaker as { failure_threshold: number }).failure_threshold, 5);
    assert.equal(withDefaults.max_attempts, 6);
  });

  it('writes TypeScript declarations from a schema, and refuses a reference it cannot resolve', () => {
    const text = declarations(
      {
        type: 'object',
        required: ['name'],
        definitions: { mode: { enum: ['a', 'b'] } },
        properties: {
          name: { type: 'string', description: 'Who.' },
          mode: { $ref: '#/definitions/mode' },
          'odd-key': { type: 'array', items: { type: 'integer' } },
        },
      },
      { rootName: 'Thing' },
    );
    assert.match(text, /export type Mode = "a" \| "b";/);
    assert.match(text, /\/\*\* Who\. \*\/\n {2}name: string;/);
    assert.match(text, /mode\?: Mode;/);
    assert.match(text, /"odd-key"\?: number\[\];/);
    assert.throws(
      () => declarations({ type: 'object', properties: { x: { $ref: 'other.json#/x' } } }, { rootName: 'X' }),
      /cannot resolve \$ref "other.json#\/x"/,
    );
  });
});
