import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeProviders, REPLY, OPENAI_USAGE } from './fake-providers.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';

const tools: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Current weather',
    input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
];

describe('@anthropic-ai/sdk → gateway /v1/messages → an OpenAI-backed model', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let client: Anthropic;
  before(async () => {
    up = await startFakeProviders();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  oai: { type: openai, base_url: "${up.url}/v1", api_key: "sk-upstream-secret-000000" }
models:
  - { name: claude-via-openai, provider: oai, model: gpt-4o-mini, capabilities: [chat, stream, tools] }
pipeline: [ { use: provider } ]
`);
    client = new Anthropic({ baseURL: gw.url, apiKey: 'client-key', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('non-streamed: a Message with text, stop_reason and usage (cache read split out)', async () => {
    const msg = await client.messages.create({
      model: 'claude-via-openai',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.deepEqual(msg.content, [{ type: 'text', text: REPLY }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, OPENAI_USAGE.prompt_tokens - 5);
    assert.equal(msg.usage.cache_read_input_tokens, 5);
    assert.equal(msg.usage.output_tokens, OPENAI_USAGE.completion_tokens);
    const sent = up.requests[0]!.json;
    assert.equal(sent.model, 'gpt-4o-mini');
    assert.deepEqual(sent.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    assert.equal(sent.max_tokens, 100);
  });

  it('streamed: the SDK assembles the final message from the event sequence', async () => {
    const stream = client.messages.stream({ model: 'claude-via-openai', max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const types: string[] = [];
    let text = '';
    stream.on('streamEvent', (e) => types.push(e.type));
    stream.on('text', (t) => {
      text += t;
    });
    const final = await stream.finalMessage();
    assert.equal(text, REPLY);
    assert.equal(final.content.length, 1);
    assert.equal(final.content[0]!.type, 'text');
    assert.equal((final.content[0] as Anthropic.TextBlock).text, REPLY);
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, OPENAI_USAGE.completion_tokens);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.deepEqual(
      [...new Set(types)],
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.deepEqual(up.requests[0]!.json.stream_options, { include_usage: true });
  });

  it('tool use, both turns: tool_use block out, tool_result in', async () => {
    const first = await client.messages.create({
      model: 'claude-via-openai',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    assert.deepEqual({ id: use.id, name: use.name, input: use.input }, { id: 'call_fake1', name: 'get_weather', input: { location: 'Paris' } });
    assert.deepEqual(up.requests[0]!.json.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: tools[0]!.input_schema } },
    ]);

    const second = await client.messages.create({
      model: 'claude-via-openai',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '15 degrees' }] },
      ],
    });
    assert.equal(second.stop_reason, 'end_turn');
    assert.equal((second.content[0] as Anthropic.TextBlock).text, REPLY);
    const sent = up.requests[1]!.json.messages;
    assert.deepEqual(sent[1], {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
    });
    assert.deepEqual(sent[2], { role: 'tool', tool_call_id: 'call_fake1', content: '15 degrees' });
  });

  it('a bad request gets an Anthropic-shaped 400 naming the param', async () => {
    const r = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-via-openai', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /max_tokens/);
  });
});
