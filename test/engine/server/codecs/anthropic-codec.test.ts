import assert from 'node:assert/strict';
import { anthropicCodec } from '../../../../src/engine/server/codecs/anthropic.ts';
import { RequestContext } from '../../../../src/engine/context.ts';
import { gatewayError } from '../../../../src/engine/errors.ts';
import { toAnthropicRequest } from '../../../../src/plugins-builtin/provider/adapters/anthropic/request.ts';
import { fromAnthropicMessage } from '../../../../src/plugins-builtin/provider/adapters/anthropic/response.ts';
import { AnthropicStreamTranslator } from '../../../../src/plugins-builtin/provider/adapters/anthropic/stream.ts';
import type { ChatCompletion, ChatRequest } from '../../../../src/engine/openai-types.ts';
import type { StreamEvent } from '../../../../src/engine/types.ts';
import { logger } from '../../../plugins/provider/helpers/upstream.ts';

const ctx = () =>
  new RequestContext({
    id: 'r1',
    endpoint: 'messages',
    method: 'POST',
    path: '/v1/messages',
    headers: {},
    clientIp: '127.0.0.1',
    generation: 1,
    log: logger,
    signal: new AbortController().signal,
    body: { model: 'claude-x' },
  });

/** Parse an SSE text into [event, data] pairs, checking each data's `type` equals its event name. */
function parseSse(text: string): Array<{ event: string; data: any }> {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [ev, data] = block.split('\n');
      const out = { event: ev!.replace(/^event: /, ''), data: JSON.parse(data!.replace(/^data: /, '')) };
      assert.equal(out.data.type, out.event);
      return out;
    });
}

const toolConversation = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: [{ type: 'text', text: 'You are a weather bot.' }],
  tools: [
    {
      name: 'get_weather',
      description: 'Get the current weather',
      input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  ],
  tool_choice: { type: 'auto' },
  messages: [
    { role: 'user', content: 'What is the weather in Paris?' },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { location: 'Paris' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: '15°C, sunny' }] },
  ],
};

describe('anthropic inbound codec', () => {
  describe('decodeRequest', () => {
    it('decodes a tool-use conversation to the canonical request', () => {
      const req = anthropicCodec.decodeRequest(toolConversation) as ChatRequest;
      assert.deepEqual(req, {
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        tool_choice: 'auto',
        messages: [
          { role: 'system', content: 'You are a weather bot.' },
          { role: 'user', content: 'What is the weather in Paris?' },
          {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'toolu_01A', content: '15°C, sunny' },
        ],
        tools: [
          { type: 'function', function: { name: 'get_weather', description: 'Get the current weather', parameters: toolConversation.tools[0]!.input_schema } },
        ],
      });
    });

    it('round-trips through the anthropic adapter back to the same Messages request', () => {
      const req = anthropicCodec.decodeRequest(toolConversation) as ChatRequest;
      const back = toAnthropicRequest(req, 4096);
      assert.deepEqual(back, {
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        system: 'You are a weather bot.',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
          toolConversation.messages[1],
          toolConversation.messages[2],
        ],
        tools: toolConversation.tools,
        tool_choice: { type: 'auto' },
      });
    });

    it('maps images, stop sequences, sampling, metadata and streaming (asking for usage)', () => {
      const req = anthropicCodec.decodeRequest({
        model: 'm',
        max_tokens: 5,
        stream: true,
        temperature: 0.5,
        top_k: 3,
        stop_sequences: ['###'],
        metadata: { user_id: 'u1' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
              { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
              { type: 'text', text: 'Describe' },
            ],
          },
        ],
      }) as ChatRequest;
      assert.deepEqual(req.messages[0]!.content, [
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
        { type: 'image_url', image_url: { url: 'https://x/y.png' } },
        { type: 'text', text: 'Describe' },
      ]);
      assert.equal(req.stream, true);
      assert.deepEqual(req.stream_options, { include_usage: true });
      assert.deepEqual([req.temperature, req.top_k, req.stop, req.user], [0.5, 3, ['###'], 'u1']);
    });

    const cases: Array<[string, unknown, string]> = [
      ['a non-object body', 'hi', ''],
      ['no model', { max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }, 'model'],
      ['no max_tokens', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
      ['empty messages', { model: 'm', max_tokens: 1, messages: [] }, 'messages'],
      ['a system role in messages', { model: 'm', max_tokens: 1, messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'],
      [
        'a bad image source',
        { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] },
        'messages.0.content.0.source',
      ],
      ['a string temperature', { model: 'm', max_tokens: 1, temperature: 'hot', messages: [{ role: 'user', content: 'x' }] }, 'temperature'],
      [
        'a server tool',
        { model: 'm', max_tokens: 1, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'x' }] },
        'tools.0.type',
      ],
    ];
    for (const [what, body, param] of cases) {
      it(`refuses ${what} with a 400 naming '${param}'`, () => {
        assert.throws(
          () => anthropicCodec.decodeRequest(body),
          (e: any) => e.code === 'GW_ERR_INVALID_REQUEST' && e.status === 400 && (e.param ?? '') === param,
        );
      });
    }
  });

  describe('encodeResponse', () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, prompt_tokens_details: { cached_tokens: 10 } },
    };
    it('encodes text and tool_use blocks, stop_reason and usage', () => {
      assert.deepEqual(anthropicCodec.encodeResponse!(completion, ctx()), {
        id: 'msg_chatcmpl-9',
        type: 'message',
        role: 'assistant',
        model: 'gpt-4o',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 12, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 },
      });
    });
    it("gives ids Anthropic's msg_ prefix, keeping ones that have it", () => {
      assert.equal((anthropicCodec.encodeResponse!({ ...completion, id: 'msg_01XYZ' }, ctx()) as { id: string }).id, 'msg_01XYZ');
      assert.match((anthropicCodec.encodeResponse!({ ...completion, id: '' }, ctx()) as { id: string }).id, /^msg_[a-z0-9]+$/);
    });
    it('round-trips through the adapter response transform', () => {
      const back = fromAnthropicMessage(anthropicCodec.encodeResponse!(completion, ctx()), 200);
      assert.deepEqual(back.choices, completion.choices);
      assert.deepEqual(back.usage, { ...completion.usage, prompt_tokens_details: { cached_tokens: 10, cache_creation_tokens: 0 } });
    });
    it('maps length → max_tokens', () => {
      const out = anthropicCodec.encodeResponse!(
        { ...completion, choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'abc' } }] },
        ctx(),
      ) as any;
      assert.equal(out.stop_reason, 'max_tokens');
    });
    it('errorBody is the Anthropic error shape, with the request id', () => {
      assert.deepEqual(anthropicCodec.errorBody(gatewayError('GW_ERR_PROVIDER_RATE_LIMITED'), 'req-7'), {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'The provider is rate limiting requests.' },
        request_id: 'req-7',
      });
    });
  });

  describe('streamEncoder', () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): StreamEvent => ({
      data: { id: 'msg_1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish as any }] },
    });

    it("writes the documented event sequence for a text answer (Anthropic's basic streaming example)", () => {
      const enc = anthropicCodec.streamEncoder(ctx());
      let text = '';
      for (const ev of [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Hello' }),
        chunk({ content: '!' }),
        chunk({}, 'stop'),
        {
          data: {
            id: 'msg_1',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'm',
            choices: [],
            usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 },
          },
        } as StreamEvent,
      ])
        text += enc.event(ev);
      text += enc.end();
      const events = parseSse(text);
      assert.deepEqual(
        events.map((e) => e.event),
        ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
      );
      assert.deepEqual(events[0]!.data.message.content, []);
      assert.equal(events[0]!.data.message.id, 'msg_1');
      assert.deepEqual(events[2]!.data, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      assert.deepEqual(events[3]!.data, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } });
      assert.deepEqual(events[6]!.data, {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 25, output_tokens: 15, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      });
    });

    it('re-creates a provider tool-use stream: Anthropic SSE → canonical → Anthropic SSE', () => {
      const upstream = [
        {
          type: 'message_start',
          message: {
            id: 'msg_01',
            type: 'message',
            role: 'assistant',
            model: 'claude',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 472, output_tokens: 2 },
          },
        },
        { type: 'ping' },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"location": "SF"}' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
        { type: 'message_stop' },
      ];
      const t = new AnthropicStreamTranslator('claude', (s) => s);
      const enc = anthropicCodec.streamEncoder(ctx());
      let text = '';
      for (const e of upstream) {
        const out = t.onEvent({ event: e.type, data: JSON.stringify(e) });
        for (const ev of out === undefined ? [] : Array.isArray(out) ? out : [out]) text += enc.event(ev);
      }
      text += enc.end();
      const events = parseSse(text).map((e) => e.data);
      assert.deepEqual(
        events.map((e) => e.type),
        upstream.map((e) => e.type),
      );
      assert.deepEqual(events.slice(1, 8), upstream.slice(1, 8));
      assert.equal(events[0]!.message.usage.input_tokens, 472, "message_start carries the upstream's input tokens");
      assert.equal(events[8]!.delta.stop_reason, 'tool_use');
      assert.equal(events[8]!.usage.output_tokens, 89);
      assert.equal(events[8]!.usage.input_tokens, 472);
    });

    it('falls back to ctx.usage and ends a failed stream with event: error', () => {
      const c = ctx();
      c.usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
      const enc = anthropicCodec.streamEncoder(c);
      const events = parseSse(enc.event(chunk({ content: 'a' }, 'length')) + enc.end());
      assert.equal(events.at(-2)!.data.usage.output_tokens, 4);
      assert.equal(events.at(-2)!.data.delta.stop_reason, 'max_tokens');
      const err = parseSse(enc.error(gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE')));
      assert.deepEqual(err, [
        { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'The provider is unavailable.' }, request_id: 'r1' } },
      ]);
    });
  });
});
