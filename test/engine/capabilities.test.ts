/**
 * JSON mode and structured output are two capabilities: a `json_object` request needs
 * `json_mode`, a `json_schema` request `structured_output`, which `json_mode` implies. A
 * model with a schema mode only (Anthropic's) is refused a bare JSON object, and the
 * router skips it for one, instead of the request failing upstream.
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../helpers/gateway.ts';
import { requiredCapabilities } from '../../src/engine/capabilities.ts';

const SCHEMA = { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const chat = (model: string, response_format: unknown) => ({ model, messages: [{ role: 'user', content: 'Weather as JSON' }], response_format });

describe('capabilities: json_mode and structured_output', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models:
  - { name: schema-only, provider: local, model: m1, capabilities: [chat, structured_output] }
  - { name: json, provider: local, model: m2, capabilities: [chat, json_mode] }
pipeline:
  - use: router
    config: { aliases: { both: [schema-only, json] } }
  - use: provider
`);
  });
  after(async () => gw.stop());

  it('asks json_mode of a JSON object and structured_output of a schema', () => {
    assert.deepEqual(requiredCapabilities('chat', chat('m', { type: 'json_object' })), ['chat', 'json_mode']);
    assert.deepEqual(requiredCapabilities('chat', chat('m', SCHEMA)), ['chat', 'structured_output']);
    assert.deepEqual(requiredCapabilities('chat', chat('m', { type: 'text' })), ['chat']);
  });

  it('refuses a JSON object to a schema-only model with a 400 naming response_format', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('schema-only', { type: 'json_object' }));
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error.code, 'unsupported_capability');
    assert.equal(r.json.error.param, 'response_format');
  });

  it('serves a schema to a schema-only model, and to a JSON-mode model (json_mode implies it)', async () => {
    for (const model of ['schema-only', 'json']) {
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat(model, SCHEMA));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(typeof JSON.parse(r.json.choices[0].message.content).city, 'string');
    }
  });

  it('routes a JSON object in a mixed group to the model that has JSON mode', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('both', { type: 'json_object' }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.headers.get('x-gateway-model'), 'json');
  });
});
