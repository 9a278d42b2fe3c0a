import assert from 'node:assert/strict';
import anthropic from '../../../../../src/plugins-builtin/provider/adapters/anthropic/index.ts';
import type { ProviderClient, StreamUpstreamResponse, JsonUpstreamResponse } from '../../../../../src/engine/types.ts';
import type { ChatRequest, ChatCompletion } from '../../../../../src/engine/openai-types.ts';
import { startUpstream, sendJson, startSse, callOpts, collect, rejection, logger, type FakeUpstream } from '../../helpers/upstream.ts';
import { errorSuite } from '../../helpers/error-suite.ts';

/** Anthropic's documented SSE framing: `event: <type>\ndata: <json>\n\n`. */
const sse = (events: Array<Record<string, unknown>>) => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

// The documented tool-use streaming example (shape from Anthropic's streaming guide).
const toolStream = [
  {
    type: 'message_start',
    message: {
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 2, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
      content: [],
      stop_reason: null,
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ', let me check.' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"location": "San Fra' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'ncisco, CA"}' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
  { type: 'message_stop' },
];

const message = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { location: 'Paris' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 25, cache_read_input_tokens: 5, cache_creation_input_tokens: 0 },
};

const tools: ChatRequest['tools'] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
];

describe('anthropic adapter', () => {
  let up: FakeUpstream;
  let client: ProviderClient;
  before(async () => {
    up = await startUpstream();
    client = anthropic.create('ant', { type: 'anthropic', base_url: up.url, api_key: 'sk-ant-key' }, { logger });
  });
  after(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('translates the request: system split, max_tokens default, images, tools, tool results', async () => {
    up.handler = (_q, res) => sendJson(res, 200, message);
    const req: ChatRequest = {
      model: 'claude-sonnet-4-5',
      temperature: 0.2,
      stop: 'END',
      tools,
      tool_choice: 'required',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_01A', content: '15 degrees' },
        { role: 'user', content: 'Thanks' },
      ],
    };
    const call = callOpts();
    (call.deployment as { maxOutputTokens?: number }).maxOutputTokens = 1234;
    await client.chat(req, call);
    const rec = up.requests[0]!;
    assert.equal(rec.url, '/v1/messages');
    assert.equal(rec.headers['x-api-key'], 'sk-ant-key');
    assert.equal(rec.headers['anthropic-version'], '2023-06-01');
    assert.equal(rec.headers.authorization, undefined);
    assert.deepEqual(rec.json, {
      model: 'claude-sonnet-4-5',
      max_tokens: 1234,
      system: 'Be brief.',
      temperature: 0.2,
      stop_sequences: ['END'],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { location: 'Paris' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01A', content: '15 degrees' },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      tool_choice: { type: 'any' },
    });
  });

  it('max_tokens falls back to 4096 and the request value wins over both', async () => {
    up.handler = (_q, res) => sendJson(res, 200, message);
    await client.chat({ model: 'c', messages: [{ role: 'user', content: 'x' }] }, callOpts());
    await client.chat({ model: 'c', max_tokens: 7, messages: [{ role: 'user', content: 'x' }] }, callOpts());
    assert.equal(up.requests[0]!.json.max_tokens, 4096);
    assert.equal(up.requests[1]!.json.max_tokens, 7);
  });

  it('response_format json_schema → output_config.format (structured outputs); json_object → 400 naming it, nothing sent', async () => {
    up.handler = (_q, res) => sendJson(res, 200, { ...message, content: [{ type: 'text', text: '{"city":"Paris"}' }], stop_reason: 'end_turn' });
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const r = (await client.chat(
      {
        model: 'claude-sonnet-4-5',
        response_format: { type: 'json_schema', json_schema: { name: 'w', strict: true, schema } },
        messages: [{ role: 'user', content: 'Weather?' }],
      },
      callOpts(),
    )) as JsonUpstreamResponse;
    assert.deepEqual(up.requests[0]!.json, {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }],
      output_config: { format: { type: 'json_schema', schema } },
    });
    assert.equal((r.body as ChatCompletion).choices[0]!.message.content, '{"city":"Paris"}');
    await client.chat({ model: 'c', response_format: { type: 'text' }, messages: [{ role: 'user', content: 'x' }] }, callOpts());
    assert.equal(up.requests[1]!.json.output_config, undefined, 'text format: nothing to constrain');
    for (const [response_format, code, param] of [
      [{ type: 'json_object' }, 'GW_ERR_CAPABILITY_UNSUPPORTED', 'response_format'],
      [{ type: 'json_schema', json_schema: { name: 'w' } }, 'GW_ERR_INVALID_REQUEST', 'response_format.json_schema.schema'],
    ] as const) {
      const err = await rejection(client.chat({ model: 'c', response_format, messages: [{ role: 'user', content: 'x' }] }, callOpts()));
      assert.equal(err.code, code);
      assert.equal(err.param, param);
    }
    assert.equal(up.requests.length, 2);
  });

  it('reasoning_effort → extended thinking: budget per effort, max_tokens holding the budget', async () => {
    up.handler = (_q, res) => sendJson(res, 200, message);
    const cases: Array<{ effort: string; max?: Partial<ChatRequest>; modelMax?: number; want: { max_tokens: number; budget?: number } }> = [
      { effort: 'low', want: { max_tokens: 4096 + 1024, budget: 1024 } }, // default answer length + the budget
      { effort: 'minimal', want: { max_tokens: 4096 + 1024, budget: 1024 } },
      { effort: 'medium', want: { max_tokens: 4096 + 8192, budget: 8192 } },
      { effort: 'high', want: { max_tokens: 4096 + 24576, budget: 24576 } },
      { effort: 'xhigh', want: { max_tokens: 4096 + 32768, budget: 32768 } },
      { effort: 'none', want: { max_tokens: 4096 } }, // no thinking at all
      { effort: 'medium', max: { max_completion_tokens: 20000 }, want: { max_tokens: 20000, budget: 8192 } }, // the client's ceiling stays
      { effort: 'high', max: { max_tokens: 10000 }, want: { max_tokens: 10000, budget: 9999 } }, // the budget is cut to fit
      { effort: 'high', modelMax: 8192, want: { max_tokens: 8192, budget: 8191 } }, // the model's max_output_tokens is a ceiling too
    ];
    for (const c of cases) {
      up.requests.length = 0;
      const call = callOpts();
      (call.deployment as { maxOutputTokens?: number }).maxOutputTokens = c.modelMax;
      await client.chat({ model: 'c', reasoning_effort: c.effort, ...c.max, messages: [{ role: 'user', content: 'x' }] }, call);
      const sent = up.requests[0]!.json;
      assert.equal(sent.max_tokens, c.want.max_tokens, JSON.stringify(c));
      assert.deepEqual(sent.thinking, c.want.budget ? { type: 'enabled', budget_tokens: c.want.budget } : undefined, JSON.stringify(c));
      assert.equal(sent.reasoning_effort, undefined, 'not an Anthropic field');
    }
    up.requests.length = 0;
    for (const [over, param] of [
      [{ reasoning_effort: 'low', max_tokens: 1024 }, 'max_tokens'],
      [{ reasoning_effort: 'low', max_completion_tokens: 500 }, 'max_completion_tokens'],
      [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
    ] as const) {
      const err = await rejection(client.chat({ model: 'c', ...over, messages: [{ role: 'user', content: 'x' }] }, callOpts()));
      assert.equal(err.code, 'GW_ERR_INVALID_REQUEST', JSON.stringify(over));
      assert.equal(err.param, param);
    }
    assert.equal(up.requests.length, 0);
  });

  it('thinking blocks become reasoning_content, never part of the answer text (plain and streamed)', async () => {
    const thinking = { type: 'thinking', thinking: 'Paris is in France.', signature: 'EqQBCgIYAhIM' };
    up.handler = (_q, res, rec) => {
      if (!rec.json.stream) return sendJson(res, 200, { ...message, content: [thinking, { type: 'text', text: 'Sunny.' }], stop_reason: 'end_turn' });
      startSse(res);
      res.end(
        sse([
          toolStream[0]!,
          { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Paris is ' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'in France.' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Sunny.' } },
          { type: 'content_block_stop', index: 1 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 30 } },
          { type: 'message_stop' },
        ]),
      );
    };
    const plain = ((await client.chat({ model: 'c', reasoning_effort: 'low', messages: [{ role: 'user', content: 'x' }] }, callOpts())) as JsonUpstreamResponse)
      .body as ChatCompletion;
    assert.equal(plain.choices[0]!.message.content, 'Sunny.');
    assert.equal(plain.choices[0]!.message.reasoning_content, 'Paris is in France.');
    const r = (await client.chat(
      { model: 'c', stream: true, reasoning_effort: 'low', messages: [{ role: 'user', content: 'x' }] },
      callOpts(),
    )) as StreamUpstreamResponse;
    const deltas = (await collect(r.events)).map((e) => e.data.choices[0]?.delta ?? {});
    assert.equal(deltas.map((d) => d.content ?? '').join(''), 'Sunny.');
    assert.equal(deltas.map((d) => d.reasoning_content ?? '').join(''), 'Paris is in France.');
  });

  it('translates the response: text, tool_calls, finish_reason, usage with cache figures', async () => {
    up.handler = (_q, res) => sendJson(res, 200, message);
    const r = (await client.chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], tools }, callOpts())) as JsonUpstreamResponse;
    const body = r.body as ChatCompletion;
    assert.equal(r.raw, undefined, 'a translated body has no passthrough bytes');
    assert.equal(body.id, 'msg_01XFDUDYJgAACzvnptvVoYEL');
    assert.deepEqual(body.choices[0]!.message, {
      role: 'assistant',
      content: 'Let me check.',
      refusal: null,
      tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
    });
    assert.equal(body.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(body.choices[0]!.logprobs, null);
    assert.deepEqual(body.usage, {
      prompt_tokens: 15,
      completion_tokens: 25,
      total_tokens: 40,
      prompt_tokens_details: { cached_tokens: 5, cache_creation_tokens: 0 },
    });
  });

  it('streams the documented tool-use example as OpenAI chunks, ending with usage', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse(toolStream));
    };
    const r = (await client.chat(
      { model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'Weather?' }], tools },
      callOpts(),
    )) as StreamUpstreamResponse;
    const events = await collect(r.events);
    assert.equal(up.requests[0]!.json.stream, true);
    const chunks = events.map((e) => e.data);
    assert.ok(chunks.every((c) => c.id === 'msg_014p7gG3wDgGV9EUtLvnow3U' && c.object === 'chat.completion.chunk'));
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '' });
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Okay, let me check.');
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(toolDeltas[0], { index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    assert.equal(toolDeltas.map((t) => t.function?.arguments ?? '').join(''), '{"location": "San Francisco, CA"}');
    const last = chunks[chunks.length - 1]!,
      finish = chunks[chunks.length - 2]!;
    assert.equal(finish.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(last.choices, []);
    // usage equals the provider's figures: input 472 + cache read 100 + cache creation 20; output 89.
    assert.deepEqual(last.usage, {
      prompt_tokens: 592,
      completion_tokens: 89,
      total_tokens: 681,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 20 },
    });
  });

  it('a stream cut before message_stop → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse(toolStream.slice(0, 5)));
    };
    const r = (await client.chat({ model: 'c', stream: true, messages: [{ role: 'user', content: 'x' }] }, callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });

  it('an `error` event mid-stream (overloaded) → GW_ERR_UPSTREAM_UNAVAILABLE', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse([...toolStream.slice(0, 4), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]));
    };
    const r = (await client.chat({ model: 'c', stream: true, messages: [{ role: 'user', content: 'x' }] }, callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
  });

  it('a tool call with non-JSON arguments → 400 naming the param', async () => {
    const e = await rejection(
      client.chat(
        {
          model: 'c',
          messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{bad' } }] }],
        },
        callOpts(),
      ),
    );
    assert.equal(e.code, 'GW_ERR_INVALID_REQUEST');
    assert.equal(e.param, 'messages[0].tool_calls');
  });
});

errorSuite('anthropic', {
  client: (url, key) => anthropic.create('ant', { type: 'anthropic', base_url: url, api_key: key }, { logger }),
  call: (c, signal, timeouts) => c.chat({ model: 'c', messages: [{ role: 'user', content: 'x' }] }, callOpts({ ...(signal ? { signal } : {}), timeouts })),
  errorBody: (status, message) => ({
    type: 'error',
    error: { type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error', message },
  }),
});
