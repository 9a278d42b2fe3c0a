/**
 * The mock provider as a development upstream (issue #10.5): deterministic tool calls that
 * honour tool_choice and satisfy the tool's schema, answers that use tool results, JSON
 * mode and json_schema, n / max_tokens / stop, streams equal to the plain answers, and
 * latency, chunking and faults from its options.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import mock from '../../../../../src/plugins-builtin/provider/adapters/mock/index.ts';
import type { ChatCompletion, ChatRequest, ToolDefinition } from '../../../../../src/engine/openai-types.ts';
import type { JsonUpstreamResponse, ProviderClient, StreamUpstreamResponse } from '../../../../../src/engine/types.ts';
import { callOpts, collect, logger, rejection } from '../../helpers/upstream.ts';

const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);

const client = (options: Record<string, unknown> = {}): ProviderClient => mock.create('mock', { type: 'mock', options }, { logger });
const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'mock-gpt',
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  ...over,
});
const json = async (c: ProviderClient, r: ChatRequest) => ((await c.chat(r, callOpts())) as JsonUpstreamResponse).body as ChatCompletion;

const WEATHER: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', minLength: 2 }, unit: { enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1, maximum: 7 } },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    },
  },
};
const SEARCH: ToolDefinition = {
  type: 'function',
  function: {
    name: 'search_docs',
    description: 'Full-text search over the documentation',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string' }, filters: { type: 'object', required: ['lang'], properties: { lang: { type: 'string' } } } },
      required: ['query', 'filters'],
    },
  },
};

/** A stream folded back into the non-streamed shape: content, tool calls and finish per choice, usage. */
async function folded(c: ProviderClient, r: ChatRequest) {
  const s = (await c.chat({ ...r, stream: true }, callOpts())) as StreamUpstreamResponse;
  const choices: Array<{ content: string | null; tool_calls?: any[]; finish: unknown }> = [];
  let usage: unknown;
  for (const { data } of await collect(s.events)) {
    if (data.usage) usage = data.usage;
    for (const ch of data.choices) {
      const acc = (choices[ch.index] ??= { content: null, finish: null });
      if (typeof ch.delta.content === 'string') acc.content = (acc.content ?? '') + ch.delta.content;
      for (const t of ch.delta.tool_calls ?? []) {
        acc.tool_calls ??= [];
        const call = (acc.tool_calls[t.index] ??= { id: t.id, type: 'function', function: { name: t.function?.name, arguments: '' } });
        call.function.arguments += t.function?.arguments ?? '';
      }
      if (ch.finish_reason) acc.finish = ch.finish_reason;
    }
  }
  return { choices, usage };
}

describe('mock provider', () => {
  const c = client();

  it('echoes the last user message, with usage in words and the fields the spec requires', async () => {
    const b = await json(c, req({ messages: [{ role: 'user', content: 'ping pong' }] }));
    assert.equal(b.choices[0]!.message.content, 'Mock reply to: ping pong');
    assert.equal(b.choices[0]!.message.refusal, null);
    assert.equal(b.choices[0]!.logprobs, null);
    assert.deepEqual(b.usage, { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  });

  describe('tools', () => {
    it('auto: calls a tool with arguments that satisfy its schema', async () => {
      const b = await json(c, req({ tools: [WEATHER] }));
      const call = b.choices[0]!.message.tool_calls![0]!;
      assert.equal(b.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(b.choices[0]!.message.content, null);
      assert.equal(call.function.name, 'get_weather');
      assert.match(call.id, /^call_mock_/);
      const args = JSON.parse(call.function.arguments);
      assert.ok(ajv.validate(WEATHER.function.parameters!, args), ajv.errorsText());
      assert.deepEqual(args, { city: 'mock', unit: 'celsius', days: 1 });
    });

    it('picks the tool whose name or description matches the question (first on a tie)', async () => {
      const b = await json(c, req({ tools: [WEATHER, SEARCH], messages: [{ role: 'user', content: 'Search the documentation for pools' }] }));
      assert.equal(b.choices[0]!.message.tool_calls![0]!.function.name, 'search_docs');
      assert.ok(ajv.validate(SEARCH.function.parameters!, JSON.parse(b.choices[0]!.message.tool_calls![0]!.function.arguments)));
      const tie = await json(c, req({ tools: [SEARCH, WEATHER], messages: [{ role: 'user', content: 'hello' }] }));
      assert.equal(tie.choices[0]!.message.tool_calls![0]!.function.name, 'search_docs');
    });

    it('honours tool_choice: none, a named function, required', async () => {
      const none = await json(c, req({ tools: [WEATHER], tool_choice: 'none' }));
      assert.equal(none.choices[0]!.message.content, 'Mock reply to: What is the weather in Paris?');
      assert.equal(none.choices[0]!.message.tool_calls, undefined);
      const named = await json(c, req({ tools: [WEATHER, SEARCH], tool_choice: { type: 'function', function: { name: 'search_docs' } } }));
      assert.equal(named.choices[0]!.message.tool_calls![0]!.function.name, 'search_docs');
      const bad = await rejection(c.chat(req({ tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'nope' } } }), callOpts()));
      assert.equal(bad.code, 'GW_ERR_INVALID_REQUEST');
      assert.equal(bad.param, 'tool_choice');
    });

    it('after a tool message: answers in text that uses the result (auto), calls again when required', async () => {
      const first = await json(c, req({ tools: [WEATHER] }));
      const call = first.choices[0]!.message.tool_calls![0]!;
      const messages = [
        ...req().messages,
        { role: 'assistant' as const, content: null, tool_calls: [call] },
        { role: 'tool' as const, tool_call_id: call.id, content: '{"temperature":15}' },
      ];
      const answer = await json(c, req({ tools: [WEATHER], messages }));
      assert.equal(answer.choices[0]!.finish_reason, 'stop');
      assert.equal(answer.choices[0]!.message.content, 'Mock reply using tool results: get_weather returned {"temperature":15}');
      const again = await json(c, req({ tools: [WEATHER], tool_choice: 'required', messages }));
      assert.equal(again.choices[0]!.finish_reason, 'tool_calls');
    });
  });

  describe('structured output', () => {
    it('json_object: a JSON object', async () => {
      const b = await json(c, req({ response_format: { type: 'json_object' } }));
      const v = JSON.parse(b.choices[0]!.message.content as string);
      assert.equal(typeof v, 'object');
      assert.equal(v.reply, 'Mock reply to: What is the weather in Paris?');
    });

    it('json_schema: output that validates against the schema', async () => {
      const schema = {
        type: 'object',
        properties: {
          title: { type: 'string', minLength: 3 },
          rating: { type: 'number', minimum: 1, maximum: 5 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true },
          author: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'], additionalProperties: false },
        },
        required: ['title', 'rating', 'tags', 'author'],
        additionalProperties: false,
      };
      const b = await json(c, req({ response_format: { type: 'json_schema', json_schema: { name: 'review', strict: true, schema } } }));
      const v = JSON.parse(b.choices[0]!.message.content as string);
      assert.ok(ajv.validate(schema, v), ajv.errorsText());
    });
  });

  describe('n, max_tokens, stop', () => {
    it('n: that many choices; usage counts them all', async () => {
      const b = await json(c, req({ n: 3, messages: [{ role: 'user', content: 'a b' }] }));
      assert.deepEqual(
        b.choices.map((x) => [x.index, x.message.content]),
        [0, 1, 2].map((i) => [i, 'Mock reply to: a b']),
      );
      assert.equal(b.usage!.completion_tokens, 15);
      assert.equal((await rejection(c.chat(req({ n: 0 }), callOpts()))).param, 'n');
    });

    it('max_tokens / max_completion_tokens truncate with finish_reason length', async () => {
      const b = await json(c, req({ max_tokens: 2 }));
      assert.equal(b.choices[0]!.message.content, 'Mock reply');
      assert.equal(b.choices[0]!.finish_reason, 'length');
      assert.equal(b.usage!.completion_tokens, 2);
      const m = await json(c, req({ max_tokens: 50, max_completion_tokens: 1 }));
      assert.equal(m.choices[0]!.message.content, 'Mock');
      const roomy = await json(c, req({ max_tokens: 500 }));
      assert.equal(roomy.choices[0]!.finish_reason, 'stop');
    });

    it('stop: the text ends before the first stop sequence', async () => {
      const b = await json(c, req({ stop: ['Paris', 'weather'] }));
      assert.equal(b.choices[0]!.message.content, 'Mock reply to: What is the ');
      assert.equal(b.choices[0]!.finish_reason, 'stop');
      assert.equal(b.usage!.completion_tokens, 6);
    });
  });

  it('streams carry the same content, tool calls, finish and usage as plain answers', async () => {
    const cases: ChatRequest[] = [
      req(),
      req({ tools: [WEATHER, SEARCH] }),
      req({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: SEARCH.function.parameters } } }),
      req({ n: 2, max_tokens: 3 }),
      req({ stop: 'weather' }),
      req({ messages: [{ role: 'user', content: '' }] }),
    ];
    for (const r of cases) {
      const plain = await json(c, r);
      const s = await folded(c, r);
      assert.deepEqual(s.usage, plain.usage);
      assert.deepEqual(
        s.choices,
        plain.choices.map((ch) => ({
          content: ch.message.content,
          ...(ch.message.tool_calls ? { tool_calls: ch.message.tool_calls } : {}),
          finish: ch.finish_reason,
        })),
        JSON.stringify(r),
      );
    }
  });

  it('embeddings of the requested dimensions (unit vectors), else embedding_dimensions', async () => {
    const r = (await c.embeddings!({ model: 'e', input: ['x', 'x', 'y'], dimensions: 64 }, callOpts())) as JsonUpstreamResponse;
    const data = (r.body as { data: Array<{ embedding: number[] }> }).data;
    assert.equal(data[0]!.embedding.length, 64);
    assert.ok(Math.abs(Math.hypot(...data[0]!.embedding) - 1) < 1e-9);
    assert.deepEqual(data[0]!.embedding, data[1]!.embedding);
    assert.notDeepEqual(data[0]!.embedding, data[2]!.embedding);
    const d = (await client({ embedding_dimensions: 3 }).embeddings!({ model: 'e', input: 'x' }, callOpts())) as JsonUpstreamResponse;
    assert.equal((d.body as { data: Array<{ embedding: number[] }> }).data[0]!.embedding.length, 3);
  });

  describe('options: latency, chunking, faults', () => {
    it('chunk_words sets words per chunk; latency_ms delays the answer', async () => {
      const s = (await client({ chunk_words: 2 }).chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
      const contents = (await collect(s.events)).map((e) => e.data.choices[0]?.delta.content).filter((x) => x);
      assert.deepEqual(contents, ['Mock reply ', 'to: What ', 'is the ', 'weather in ', 'Paris?']);
      const t0 = performance.now();
      await json(client({ latency_ms: 120 }), req());
      assert.ok(performance.now() - t0 >= 110);
    });

    it('latency beyond first_byte_ms and chunk delays beyond idle_ms fail as those timeouts', async () => {
      const e = await rejection(client({ latency_ms: 5000 }).chat(req(), callOpts({ timeouts: { first_byte_ms: 50 } })));
      assert.equal(e.code, 'GW_ERR_UPSTREAM_TIMEOUT');
      assert.match(e.message, /first_byte timeout/);
      const s = (await client({ chunk_delay_ms: 5000 }).chat(req({ stream: true }), callOpts({ timeouts: { idle_ms: 50 } }))) as StreamUpstreamResponse;
      const idle = await rejection(collect(s.events));
      assert.match(idle.message, /idle timeout/);
    });

    it('error faults go through the upstream taxonomy: 429 with Retry-After, 503', async () => {
      const e = await rejection(client({ faults: { error_rate: 1, error_status: 429, retry_after_s: 7 } }).chat(req(), callOpts()));
      assert.equal(e.code, 'GW_ERR_PROVIDER_RATE_LIMITED');
      assert.equal(e.retryAfter, 7);
      const u = await rejection(client({ faults: { error_rate: 1 } }).embeddings!({ model: 'e', input: 'x' }, callOpts()));
      assert.equal(u.code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
    });

    it('a seeded error rate fails the same requests every time, at about that rate', async () => {
      const run = async () => {
        const f = client({ faults: { error_rate: 0.3, seed: 42 } });
        const out: boolean[] = [];
        for (let i = 0; i < 200; i++)
          out.push(
            await f.chat(req(), callOpts()).then(
              () => true,
              () => false,
            ),
          );
        return out;
      };
      const a = await run();
      assert.deepEqual(await run(), a);
      const failed = a.filter((ok) => !ok).length;
      assert.ok(failed > 40 && failed < 80, `${failed} of 200 failed`);
    });

    it('cut streams end mid-answer with a bad upstream response after cut_after_chunks chunks', async () => {
      const s = (await client({ faults: { cut_stream_rate: 1, cut_after_chunks: 2 } }).chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
      const seen: string[] = [];
      const e = await rejection(
        (async () => {
          for await (const ev of s.events) seen.push(ev.data.choices[0]?.delta.content ?? '');
        })(),
      );
      assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
      assert.deepEqual(seen, ['', 'Mock ', 'reply ']);
    });
  });
});
