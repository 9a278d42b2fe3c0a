import assert from 'node:assert/strict';
import cohere from '../../../../../src/plugins-builtin/provider/adapters/cohere/index.ts';
import type { ProviderClient, StreamUpstreamResponse, JsonUpstreamResponse } from '../../../../../src/engine/types.ts';
import type { ChatCompletion } from '../../../../../src/engine/openai-types.ts';
import { startUpstream, sendJson, startSse, callOpts, collect, rejection, logger, type FakeUpstream } from '../../helpers/upstream.ts';
import { errorSuite } from '../../helpers/error-suite.ts';

const sse = (events: Array<Record<string, unknown>>) => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

// Shapes from Cohere's v2 streaming guide (text answer, then a tool call).
const textStream = [
  {
    id: '29f14a5a-11de-4cae-9800-25e4747408ea',
    type: 'message-start',
    delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
  },
  { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } },
  { type: 'content-delta', index: 0, delta: { message: { content: { text: 'A large' } } } },
  { type: 'content-delta', index: 0, delta: { message: { content: { text: ' language model' } } } },
  { type: 'content-end', index: 0 },
  {
    type: 'message-end',
    delta: { finish_reason: 'COMPLETE', usage: { billed_units: { input_tokens: 5, output_tokens: 418 }, tokens: { input_tokens: 71, output_tokens: 418 } } },
  },
];
const toolStream = [
  { id: 'abc', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
  { type: 'tool-plan-delta', delta: { message: { tool_plan: 'I will look up the weather.' } } },
  {
    type: 'tool-call-start',
    index: 0,
    delta: { message: { tool_calls: { id: 'get_weather_1byjy32y4hvq', type: 'function', function: { name: 'get_weather', arguments: '' } } } },
  },
  { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '{"location":' } } } } },
  { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '"Toronto"}' } } } } },
  { type: 'tool-call-end', index: 0 },
  {
    type: 'message-end',
    delta: { finish_reason: 'TOOL_CALL', usage: { billed_units: { input_tokens: 37, output_tokens: 28 }, tokens: { input_tokens: 913, output_tokens: 83 } } },
  },
];

describe('cohere adapter', () => {
  let up: FakeUpstream;
  let client: ProviderClient;
  before(async () => {
    up = await startUpstream();
    client = cohere.create('co', { type: 'cohere', base_url: up.url, api_key: 'co-key' }, { logger });
  });
  after(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('chat: translates the request and the documented v2 response', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
        finish_reason: 'COMPLETE',
        message: { role: 'assistant', content: [{ type: 'text', text: 'LLMs are neural networks.' }] },
        usage: { billed_units: { input_tokens: 5, output_tokens: 6 }, tokens: { input_tokens: 71, output_tokens: 6 } },
      });
    const r = (await client.chat(
      {
        model: 'command-a-03-2025',
        top_p: 0.9,
        max_tokens: 50,
        stop: 'x',
        tool_choice: 'required',
        messages: [
          { role: 'developer', content: 'Be short' },
          { role: 'user', content: 'What is an LLM?' },
        ],
      },
      callOpts(),
    )) as JsonUpstreamResponse;
    const rec = up.requests[0]!;
    assert.equal(rec.url, '/v2/chat');
    assert.equal(rec.headers.authorization, 'Bearer co-key');
    assert.deepEqual(rec.json, {
      model: 'command-a-03-2025',
      messages: [
        { role: 'system', content: 'Be short' },
        { role: 'user', content: 'What is an LLM?' },
      ],
      max_tokens: 50,
      p: 0.9,
      stop_sequences: ['x'],
      tool_choice: 'REQUIRED',
    });
    const body = r.body as ChatCompletion;
    assert.equal(body.choices[0]!.message.content, 'LLMs are neural networks.');
    assert.equal(body.choices[0]!.finish_reason, 'stop');
    assert.equal(body.model, 'command-a-03-2025');
    assert.deepEqual(body.usage, { prompt_tokens: 71, completion_tokens: 6, total_tokens: 77 });
  });

  it('a named tool_choice offers that tool alone with REQUIRED (Chat v2 has no named choice)', async () => {
    const call = { id: 'record_1', type: 'function', function: { name: 'record_weather', arguments: '{"city":"Paris","celsius":15}' } };
    up.handler = (_q, res, rec) => {
      if (!rec.json.stream) return sendJson(res, 200, { id: 'x', finish_reason: 'TOOL_CALL', message: { role: 'assistant', tool_calls: [call] }, usage: {} });
      startSse(res);
      res.end(sse(toolStream));
    };
    const weather = {
      type: 'function' as const,
      function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
    };
    const record = {
      type: 'function' as const,
      function: { name: 'record_weather', description: 'Record it', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    };
    for (const stream of [false, true]) {
      up.requests.length = 0;
      const r = await client.chat(
        {
          model: 'command-a-03-2025',
          stream,
          tools: [weather, record],
          tool_choice: { type: 'function', function: { name: 'record_weather' } },
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
        },
        callOpts(),
      );
      if (r.kind === 'stream') await collect(r.events);
      assert.deepEqual(up.requests[0]!.json, {
        model: 'command-a-03-2025',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        ...(stream ? { stream: true } : {}),
        tools: [record],
        tool_choice: 'REQUIRED',
      });
    }
    const body = (
      (await client.chat(
        {
          model: 'c',
          tools: [weather, record],
          tool_choice: { type: 'function', function: { name: 'record_weather' } },
          messages: [{ role: 'user', content: 'Weather?' }],
        },
        callOpts(),
      )) as JsonUpstreamResponse
    ).body as ChatCompletion;
    assert.deepEqual(body.choices[0]!.message.tool_calls, [call]);
  });

  it('a tool_choice naming a function not in tools → 400 naming tool_choice; nothing is sent', async () => {
    const err = await rejection(
      client.chat(
        {
          model: 'c',
          tools: [{ type: 'function', function: { name: 'get_weather' } }],
          tool_choice: { type: 'function', function: { name: 'other' } },
          messages: [{ role: 'user', content: 'x' }],
        },
        callOpts(),
      ),
    );
    assert.equal(err.code, 'GW_ERR_INVALID_REQUEST');
    assert.equal(err.param, 'tool_choice');
    assert.equal(up.requests.length, 0);
  });

  it('chat: tool calls in the answer', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        id: 'x',
        finish_reason: 'TOOL_CALL',
        message: {
          role: 'assistant',
          tool_plan: 'I will call get_weather.',
          tool_calls: [{ id: 'get_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } }],
        },
        usage: { billed_units: { input_tokens: 37, output_tokens: 28 }, tokens: { input_tokens: 913, output_tokens: 83 } },
      });
    const body = ((await client.chat({ model: 'c', messages: [{ role: 'user', content: 'Weather?' }] }, callOpts())) as JsonUpstreamResponse)
      .body as ChatCompletion;
    assert.deepEqual(body.choices[0]!.message, {
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'get_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } }],
    });
    assert.equal(body.choices[0]!.finish_reason, 'tool_calls');
  });

  it('streams text; the final usage chunk equals the provider figures', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse(textStream));
    };
    const r = (await client.chat(
      { model: 'command-a', stream: true, messages: [{ role: 'user', content: 'What is an LLM?' }] },
      callOpts(),
    )) as StreamUpstreamResponse;
    const chunks = (await collect(r.events)).map((e) => e.data);
    assert.equal(up.requests[0]!.json.stream, true);
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'A large language model');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 71, completion_tokens: 418, total_tokens: 489 });
    assert.ok(chunks.every((c) => c.id === '29f14a5a-11de-4cae-9800-25e4747408ea'));
  });

  it('streams tool calls as OpenAI tool_call deltas', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse(toolStream));
    };
    const r = (await client.chat(
      { model: 'command-a', stream: true, messages: [{ role: 'user', content: 'Weather?' }] },
      callOpts(),
    )) as StreamUpstreamResponse;
    const chunks = (await collect(r.events)).map((e) => e.data);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.equal(deltas[0]!.id, 'get_weather_1byjy32y4hvq');
    assert.equal(deltas[0]!.function!.name, 'get_weather');
    assert.equal(deltas.map((d) => d.function?.arguments ?? '').join(''), '{"location":"Toronto"}');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 913, completion_tokens: 83, total_tokens: 996 });
  });

  it('a stream cut before message-end → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse(textStream.slice(0, 3)));
    };
    const r = (await client.chat({ model: 'c', stream: true, messages: [{ role: 'user', content: 'x' }] }, callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });

  it('embeddings: POST /v2/embed with float embedding_types', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        id: 'e1',
        embeddings: {
          float: [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
        },
        texts: ['a', 'b'],
        meta: { api_version: { version: '2' }, billed_units: { input_tokens: 2 } },
        response_type: 'embeddings_by_type',
      });
    const r = (await client.embeddings!({ model: 'embed-v4.0', input: ['a', 'b'] }, callOpts())) as JsonUpstreamResponse;
    assert.deepEqual(up.requests[0]!.json, { model: 'embed-v4.0', texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] });
    assert.equal(up.requests[0]!.url, '/v2/embed');
    assert.deepEqual(r.body, {
      object: 'list',
      model: 'embed-v4.0',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
  });
});

errorSuite('cohere', {
  client: (url, key) => cohere.create('co', { type: 'cohere', base_url: url, api_key: key }, { logger }),
  call: (c, signal, timeouts) => c.chat({ model: 'c', messages: [{ role: 'user', content: 'x' }] }, callOpts({ ...(signal ? { signal } : {}), timeouts })),
  errorBody: (_s, message) => ({ id: 'e', message }),
});
