/**
 * The request features each native adapter maps to its vendor's own controls, end to end
 * (client → gateway → scripted upstream speaking the vendor's wire format): a forced named
 * tool, structured output, reasoning effort, and a stream's early prompt usage. Each check
 * asserts what the upstream received and what the client got back.
 */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { postJson, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { allProvidersConfig, JSON_REPLY, MODEL_OF, REPLY, startScriptedUpstream, THOUGHT, USAGE } from '../responses/upstream.ts';

const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } };
const record = {
  type: 'function' as const,
  function: {
    name: 'record_weather',
    description: 'Record the weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, celsius: { type: 'number' } }, required: ['city', 'celsius'] },
  },
};
const question = { role: 'user' as const, content: 'Weather in Paris?' };

describe('native adapter features, end to end', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let openai: OpenAI;
  before(async () => {
    up = await startScriptedUpstream();
    gw = await startTestGateway(allProvidersConfig(up.url, 'pipeline: [ { use: validation }, { use: provider } ]'));
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });
  const last = () => up.requests.at(-1)!.json;

  for (const provider of ['openai', 'anthropic', 'gemini', 'cohere']) {
    it(`${provider}: tool_choice naming the second of two tools calls that one`, async () => {
      const r = await openai.chat.completions.create({
        model: MODEL_OF[provider]!,
        messages: [question],
        tools: [weather, record],
        tool_choice: { type: 'function', function: { name: 'record_weather' } },
      });
      const call = r.choices[0]!.message.tool_calls?.[0];
      assert.ok(call?.type === 'function', JSON.stringify(r.choices[0]!.message));
      assert.equal(call.function.name, 'record_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), JSON.parse(JSON_REPLY));
    });
  }

  it('cohere: the forced tool reaches Chat v2 alone, with tool_choice REQUIRED', async () => {
    await openai.chat.completions.create({
      model: MODEL_OF.cohere!,
      messages: [question],
      tools: [weather, record],
      tool_choice: { type: 'function', function: { name: 'record_weather' } },
    });
    assert.deepEqual(last(), { model: 'command-a-03-2025', messages: [question], tools: [record], tool_choice: 'REQUIRED' });
  });

  it('anthropic: json_schema is answered as JSON through output_config.format', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, celsius: { type: 'number' } },
      required: ['city', 'celsius'],
      additionalProperties: false,
    };
    const r = await openai.chat.completions.create({
      model: MODEL_OF.anthropic!,
      messages: [question],
      response_format: { type: 'json_schema', json_schema: { name: 'weather', strict: true, schema } },
    });
    assert.deepEqual(JSON.parse(r.choices[0]!.message.content!), JSON.parse(JSON_REPLY));
    assert.deepEqual(last(), {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
      output_config: { format: { type: 'json_schema', schema } },
    });
  });

  it('anthropic: json_object is a 400 naming the field in each dialect; no upstream call', async () => {
    const before = up.requests.length;
    const chat = await postJson(`${gw.url}/v1/chat/completions`, { model: MODEL_OF.anthropic, messages: [question], response_format: { type: 'json_object' } });
    assert.equal(chat.status, 400, JSON.stringify(chat.json));
    assert.equal(chat.json.error.code, 'unsupported_capability');
    assert.equal(chat.json.error.param, 'response_format');
    const responses = await postJson(`${gw.url}/v1/responses`, { model: MODEL_OF.anthropic, input: 'Hi', text: { format: { type: 'json_object' } } });
    assert.equal(responses.status, 400, JSON.stringify(responses.json));
    assert.equal(responses.json.error.param, 'text.format');
    assert.equal(up.requests.length, before);
  });

  it('anthropic: reasoning_effort → extended thinking; the thinking is reasoning_content, not the answer', async () => {
    const r = await openai.chat.completions.create({ model: MODEL_OF.anthropic!, messages: [question], reasoning_effort: 'medium' });
    assert.deepEqual([last().thinking, last().max_tokens], [{ type: 'enabled', budget_tokens: 8192 }, 4096 + 8192]);
    const message = r.choices[0]!.message as (typeof r.choices)[0]['message'] & { reasoning_content?: string };
    assert.equal(message.content, REPLY);
    assert.equal(message.reasoning_content, THOUGHT);
    const stream = await openai.chat.completions.create({ model: MODEL_OF.anthropic!, messages: [question], reasoning_effort: 'medium', stream: true });
    let text = '',
      reasoning = '';
    for await (const c of stream) {
      const d = c.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      text += d?.content ?? '';
      reasoning += d?.reasoning_content ?? '';
    }
    assert.deepEqual([text, reasoning], [REPLY, THOUGHT]);
  });

  it('gemini: reasoning_effort → thinkingConfig; thought tokens are reasoning_tokens, thoughts stay out of the answer', async () => {
    const r = await openai.chat.completions.create({ model: MODEL_OF.gemini!, messages: [question], reasoning_effort: 'high' });
    assert.deepEqual(last().generationConfig, { thinkingConfig: { thinkingBudget: 24576 } });
    assert.equal(r.choices[0]!.message.content, REPLY);
    assert.equal(r.usage!.completion_tokens_details?.reasoning_tokens, 3);
    assert.equal(r.usage!.completion_tokens, USAGE.gemini.candidatesTokenCount + 3);
  });

  it("gemini: a /v1/messages stream's message_start carries Gemini's own prompt tokens", async () => {
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: 'unused', maxRetries: 0 });
    const stream = anthropic.messages.stream({
      model: MODEL_OF.gemini!,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'A prompt the gateway would count otherwise' }],
    });
    let startInput: number | undefined;
    stream.on('streamEvent', (e) => {
      if (e.type === 'message_start') startInput = e.message.usage.input_tokens;
    });
    const final = await stream.finalMessage();
    assert.equal(startInput, USAGE.gemini.promptTokenCount);
    assert.equal(final.usage.input_tokens, USAGE.gemini.promptTokenCount);
    assert.equal(final.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), REPLY);
  });
});
