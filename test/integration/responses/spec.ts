/**
 * Validators for the Responses API objects against OpenAI's published schemas (vendored in
 * test/fixtures/specs/openai-responses/, OpenAPI 3.1 = JSON Schema 2020-12). Vendor
 * extensions (`x-…`) and OpenAPI's `discriminator` are annotations here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const doc = JSON.parse(readFileSync(new URL('../../fixtures/specs/openai-responses/schemas.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: 'openai', components: doc.components });

const cache = new Map<string, ValidateFunction>();

/** Event type → the schema of that event, from the members of the ResponseStreamEvent union. */
const EVENT_SCHEMAS = new Map<string, string>();
const schemas = doc.components.schemas as Record<string, { anyOf?: Array<{ $ref: string }>; properties?: { type?: { enum?: string[] } } }>;
for (const m of schemas.ResponseStreamEvent!.anyOf!) {
  const name = m.$ref.split('/').pop()!;
  for (const t of schemas[name]!.properties?.type?.enum ?? []) EVENT_SCHEMAS.set(t, name);
}

/** Asserts that `value` is a valid `name` (a component schema: Response, ResponseStreamEvent…). */
export function assertSpec(name: string, value: unknown, what = name): void {
  let v = cache.get(name);
  if (!v) cache.set(name, (v = ajv.compile({ $ref: `openai#/components/schemas/${name}` })));
  if (!v(value))
    assert.fail(`${what} does not match OpenAI's ${name} schema:\n${JSON.stringify(v.errors?.slice(0, 8), null, 1)}\n${JSON.stringify(value).slice(0, 1500)}`);
}

/** Every event of a Responses SSE body, parsed, each checked against its ResponseStreamEvent member and its `event:` line. */
export function parseResponseEvents(text: string): Array<Record<string, any>> {
  const events: Array<Record<string, any>> = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const name = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    assert.ok(name && data, `malformed SSE block: ${block}`);
    const ev = JSON.parse(data) as Record<string, any>;
    assert.equal(ev.type, name, 'the event: line names the data type');
    const schema = EVENT_SCHEMAS.get(ev.type);
    assert.ok(schema, `'${ev.type}' is not a ResponseStreamEvent`);
    assertSpec(schema, ev, `event ${ev.type}`);
    events.push(ev);
  }
  events.forEach((ev, i) => assert.equal(ev.sequence_number, i, 'sequence numbers count up from 0'));
  return events;
}
