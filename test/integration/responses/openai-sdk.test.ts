/**
 * The official `openai` SDK (v6) on `client.responses`: create, stream, a function-calling
 * round trip continued with previous_response_id, structured output with `responses.parse`
 * and zodTextFormat, and retrieve / inputItems.list / delete — against a scripted
 * OpenAI-compatible upstream and a scripted Anthropic upstream, every object checked
 * against OpenAI's published schemas.
 */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { allProvidersConfig, JSON_REPLY, REPLY, startScriptedUpstream, TOOL_ARGS, USAGE } from './upstream.ts';
import { assertSpec } from './spec.ts';

const tools: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather',
    strict: false,
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
];

/** The usage each scripted provider's figures must come out as, in the Responses spelling. */
const EXPECTED_USAGE = {
  gpt: { input_tokens: 21, output_tokens: 7, total_tokens: 28, cached: 5, cache_write: 0 },
  claude: {
    input_tokens: USAGE.anthropic.input_tokens + USAGE.anthropic.cache_read_input_tokens + USAGE.anthropic.cache_creation_input_tokens,
    output_tokens: USAGE.anthropic.output_tokens,
    total_tokens: 54,
    cached: USAGE.anthropic.cache_read_input_tokens,
    cache_write: USAGE.anthropic.cache_creation_input_tokens,
  },
};

describe('openai SDK → /v1/responses (scripted OpenAI and Anthropic upstreams)', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  const last = () => up.requests[up.requests.length - 1]!;

  before(async () => {
    up = await startScriptedUpstream();
    gw = await startTestGateway(allProvidersConfig(up.url, 'pipeline: [ { use: validation }, { use: provider } ]'));
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  for (const model of ['gpt', 'claude'] as const) {
    describe(model, () => {
      it('create: a Response with output_text, usage and the echoed request', async () => {
        const r = await client.responses.create({
          model,
          instructions: 'Be brief.',
          input: 'Weather in Paris?',
          max_output_tokens: 64,
          temperature: 0.2,
          metadata: { run: 't1' },
        });
        assertSpec('Response', r);
        assert.match(r.id, /^resp_/);
        assert.equal(r.object, 'response');
        assert.equal(r.status, 'completed');
        assert.equal(r.output_text, REPLY);
        assert.equal(r.output[0]!.type, 'message');
        assert.equal(r.instructions, 'Be brief.');
        assert.equal(r.max_output_tokens, 64);
        assert.deepEqual(r.metadata, { run: 't1' });
        const u = EXPECTED_USAGE[model];
        assert.equal(r.usage!.input_tokens, u.input_tokens);
        assert.equal(r.usage!.output_tokens, u.output_tokens);
        assert.equal(r.usage!.total_tokens, u.total_tokens);
        assert.equal(r.usage!.input_tokens_details.cached_tokens, u.cached);
        // What the provider got: instructions as the system prompt, the output cap, the temperature.
        const sent = last().json;
        if (model === 'gpt') {
          assert.deepEqual(sent.messages, [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Weather in Paris?' },
          ]);
          assert.equal(sent.max_completion_tokens, 64);
        } else {
          assert.equal(sent.system, 'Be brief.');
          assert.equal(sent.max_tokens, 64);
        }
        assert.equal(sent.temperature, 0.2);
        assert.equal(sent.metadata?.run, undefined, 'metadata stays with the response');
      });

      it('stream: typed events in order, the final response holding the text', async () => {
        const stream = await client.responses.create({ model, input: 'Weather in Paris?', stream: true });
        const types: string[] = [];
        let text = '';
        let final: OpenAI.Responses.Response | undefined;
        for await (const ev of stream) {
          types.push(ev.type);
          if (ev.type === 'response.output_text.delta') text += ev.delta;
          if (ev.type === 'response.completed') final = ev.response;
        }
        assert.equal(types[0], 'response.created');
        assert.equal(types[1], 'response.in_progress');
        assert.equal(types.at(-1), 'response.completed');
        assert.equal(text, REPLY);
        assert.equal(final!.output_text, REPLY);
        assert.equal(final!.usage!.output_tokens, EXPECTED_USAGE[model].output_tokens);
        // The SDK's stream helper assembles the same response.
        const helper = client.responses.stream({ model, input: 'Weather in Paris?' });
        const done = await helper.finalResponse();
        assert.equal(done.output_text, REPLY);
      });

      it('function calling round trip, continued with previous_response_id', async () => {
        const first = await client.responses.create({ model, input: 'Weather in Paris?', tools });
        const call = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
        assert.ok(call, JSON.stringify(first.output));
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(JSON.parse(call.arguments), JSON.parse(TOOL_ARGS));
        const second = await client.responses.create({
          model,
          tools,
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: call.call_id, output: '15C and sunny' }],
        });
        assertSpec('Response', second);
        assert.equal(second.output_text, REPLY);
        assert.equal(second.previous_response_id, first.id);
        // The provider got the whole conversation: the question, its tool call, the result.
        const sent = JSON.stringify(last().json);
        for (const s of ['Weather in Paris?', call.call_id, '15C and sunny']) assert.ok(sent.includes(s), `${s} in ${sent}`);
        assert.ok(sent.indexOf('Weather in Paris?') < sent.indexOf(call.call_id));
      });

      it('retrieve, list input items, delete', async () => {
        const r = await client.responses.create({ model, input: [{ role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }] });
        const got = await client.responses.retrieve(r.id);
        assertSpec('Response', got);
        assert.deepEqual(got.output, r.output);
        const items = await client.responses.inputItems.list(r.id);
        assertSpec('ResponseItemList', { object: 'list', data: items.data, first_id: items.data[0]!.id, last_id: items.data[0]!.id, has_more: false });
        assert.equal(items.data.length, 1);
        assert.equal((items.data[0] as { role: string }).role, 'user');
        await client.responses.delete(r.id);
        await assert.rejects(client.responses.retrieve(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
      });
    });
  }

  it('structured output: responses.parse with zodTextFormat (OpenAI upstream)', async () => {
    const Weather = z.object({ city: z.string(), celsius: z.number() });
    const r = await client.responses.parse({ model: 'gpt', input: 'Weather in Paris as JSON', text: { format: zodTextFormat(Weather, 'weather') } });
    assert.deepEqual(r.output_parsed, JSON.parse(JSON_REPLY));
    const sent = last().json;
    assert.equal(sent.response_format.type, 'json_schema');
    assert.equal(sent.response_format.json_schema.name, 'weather');
    assert.equal(sent.response_format.json_schema.strict, true);
    assert.deepEqual(Object.keys(sent.response_format.json_schema.schema.properties), ['city', 'celsius']);
  });
});
