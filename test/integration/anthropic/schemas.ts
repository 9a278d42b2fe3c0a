/**
 * Anthropic's Messages schemas (test/fixtures/specs/anthropic, vendored with attribution)
 * compiled with ajv, with `required` narrowed as sdk-profile.json says, and a reader for
 * the gateway's Anthropic SSE bodies. `assertValid` fails with ajv's errors and the value.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import spec from '../../fixtures/specs/anthropic/messages.schema.json' with { type: 'json' };
import profile from '../../fixtures/specs/anthropic/sdk-profile.json' with { type: 'json' };

type SchemaName = keyof typeof spec.components.schemas;

const doc = structuredClone(spec) as { components: { schemas: Record<string, { required?: string[] }> } };
for (const [name, fields] of Object.entries(profile.notRequired)) {
  const s = doc.components.schemas[name]!;
  assert.ok(s.required, `sdk-profile.json names ${name}, which has no required list`);
  for (const f of fields) assert.ok(s.required.includes(f), `sdk-profile.json: ${name}.${f} is not required in the schema`);
  s.required = s.required.filter((f) => !fields.includes(f));
}

// The description's `discriminator` has mappings ajv does not take; oneOf decides alone.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, 'anthropic');

export function assertValid(name: SchemaName, value: unknown): void {
  const validate = ajv.getSchema(`anthropic#/components/schemas/${name}`)!;
  if (!validate(value)) assert.fail(`not a valid ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
}

/** An error event is ErrorResponse; every other event is a MessageStreamEvent. */
export function assertValidEvent(data: { type?: unknown; [k: string]: unknown }): void {
  assertValid(data.type === 'error' ? 'ErrorResponse' : 'MessageStreamEvent', data);
}

export interface SseEvent {
  event: string;
  data: any;
}

/** Anthropic SSE text → events, checking each data's `type` equals its event name. */
export function parseAnthropicSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
      assert.equal(data.type, event, 'the event name and the data type agree');
      return { event, data };
    });
}
