/**
 * Anthropic's structured outputs on /v1/messages — `output_config.format`, what the SDK's
 * messages.parse and @ai-sdk/anthropic (for Claude model ids) send — reach the model's
 * provider as its own JSON mode, or the request is refused naming the field: never
 * dropped, which would answer free text to a client about to parse JSON. (The client
 * matrix checks what the libraries get back; this checks the wire and malformed input.)
 */
import assert from 'node:assert/strict';
import { postJson, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { startScripted } from './upstreams.ts';

const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

describe('/v1/messages output_config.format', () => {
  let up: FakeUpstream;
  let gateway: TestGateway;
  before(async () => {
    ({ up, gateway } = await startScripted());
  });
  after(async () => {
    await gateway.stop();
    await up.close();
  });
  const ask = (model: string, output_config: unknown) =>
    postJson(`${gateway.url}/v1/messages`, { model, max_tokens: 64, messages: [{ role: 'user', content: 'Weather?' }], output_config });

  it("reaches a Gemini upstream as its JSON schema, and an OpenAI upstream's as response_format", async () => {
    assert.equal((await ask('gemini-2.5-flash', { format: { type: 'json_schema', schema } })).status, 200);
    const gemini = up.requests.at(-1)!.json;
    assert.deepEqual(gemini.generationConfig.responseJsonSchema, schema);
    assert.equal(gemini.generationConfig.responseMimeType, 'application/json');
    assert.equal((await ask('gpt-4o-mini', { format: { type: 'json_schema', schema } })).status, 200);
    assert.deepEqual(up.requests.at(-1)!.json.response_format, { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
  });

  it('a malformed format is a 400 naming output_config.format; no provider is called', async () => {
    const before = up.requests.length;
    for (const format of [{ type: 'json_object' }, { type: 'json_schema' }, 'json']) {
      const r = await ask('gemini-2.5-flash', { format });
      assert.equal(r.status, 400, JSON.stringify(format));
      assert.equal(r.json.error.type, 'invalid_request_error');
      assert.match(r.json.error.message, /^output_config\.format: /);
    }
    assert.equal(up.requests.length, before);
  });

  it('without a format (or a null one) nothing changes', async () => {
    assert.equal((await ask('gemini-2.5-flash', { format: null })).status, 200);
    assert.equal(up.requests.at(-1)!.json.generationConfig?.responseMimeType, undefined);
  });
});
