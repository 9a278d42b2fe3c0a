import assert from 'node:assert/strict';
import gemini from '../../../../../src/plugins-builtin/provider/adapters/gemini/index.ts';
import type { ProviderClient, StreamUpstreamResponse, JsonUpstreamResponse } from '../../../../../src/engine/types.ts';
import type { ChatCompletion, ChatRequest } from '../../../../../src/engine/openai-types.ts';
import { startUpstream, sendJson, startSse, callOpts, collect, rejection, logger, type FakeUpstream } from '../../helpers/upstream.ts';
import { errorSuite } from '../../helpers/error-suite.ts';

/** Gemini's alt=sse framing: `data: <GenerateContentResponse>\r\n\r\n`, no end marker. */
const sse = (events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');

const usageMetadata = { promptTokenCount: 120, candidatesTokenCount: 30, totalTokenCount: 200, cachedContentTokenCount: 100, thoughtsTokenCount: 50 };

const tools: ChatRequest['tools'] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

describe('gemini adapter', () => {
  let up: FakeUpstream;
  let client: ProviderClient;
  before(async () => {
    up = await startUpstream();
    client = gemini.create('g', { type: 'gemini', base_url: up.url, api_key: 'AIzaSyTestKey123456' }, { logger });
  });
  after(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('generateContent: request translation (system, roles, tools, tool results, config)', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        candidates: [{ content: { role: 'model', parts: [{ text: 'It is sunny.' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata,
        modelVersion: 'gemini-2.5-flash',
        responseId: 'resp-1',
      });
    const req: ChatRequest = {
      model: 'gemini-2.5-flash',
      temperature: 0.1,
      max_tokens: 100,
      stop: ['END'],
      tools,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":15}' },
      ],
    };
    const r = (await client.chat(req, callOpts())) as JsonUpstreamResponse;
    const rec = up.requests[0]!;
    assert.equal(rec.url, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(rec.headers['x-goog-api-key'], 'AIzaSyTestKey123456');
    assert.deepEqual(rec.json, {
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 15 } } }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.1, maxOutputTokens: 100, stopSequences: ['END'], responseMimeType: 'application/json' },
      tools: [
        { functionDeclarations: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] },
      ],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    });
    const body = r.body as ChatCompletion;
    assert.equal(body.choices[0]!.message.content, 'It is sunny.');
    assert.equal(body.choices[0]!.finish_reason, 'stop');
    // prompt includes cached; completion = candidates + thoughts.
    assert.deepEqual(body.usage, {
      prompt_tokens: 120,
      completion_tokens: 80,
      total_tokens: 200,
      prompt_tokens_details: { cached_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 50 },
    });
  });

  it('functionCall parts become tool_calls; SAFETY → content_filter', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
      });
    const body = ((await client.chat({ model: 'g', messages: [{ role: 'user', content: 'x' }], tools }, callOpts())) as JsonUpstreamResponse)
      .body as ChatCompletion;
    assert.equal(body.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(body.choices[0]!.message.tool_calls, [
      { id: 'call_0_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    up.handler = (_q, res) =>
      sendJson(res, 200, { candidates: [{ content: { parts: [] }, finishReason: 'SAFETY' }], usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } });
    const b2 = ((await client.chat({ model: 'g', messages: [{ role: 'user', content: 'x' }] }, callOpts())) as JsonUpstreamResponse).body as ChatCompletion;
    assert.equal(b2.choices[0]!.finish_reason, 'content_filter');
  });

  it('a blocked prompt (promptFeedback.blockReason) → GW_ERR_PROVIDER_CONTENT_POLICY', async () => {
    up.handler = (_q, res) => sendJson(res, 200, { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } });
    const e = await rejection(client.chat({ model: 'g', messages: [{ role: 'user', content: 'x' }] }, callOpts()));
    assert.equal(e.code, 'GW_ERR_PROVIDER_CONTENT_POLICY');
  });

  it("Gemini's context-length 400 → GW_ERR_CONTEXT_LENGTH_EXCEEDED", async () => {
    up.handler = (_q, res) =>
      sendJson(res, 400, {
        error: { code: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' },
      });
    assert.equal((await rejection(client.chat({ model: 'g', messages: [{ role: 'user', content: 'x' }] }, callOpts()))).code, 'GW_ERR_CONTEXT_LENGTH_EXCEEDED');
  });

  it('streams via :streamGenerateContent?alt=sse; usage at the end equals usageMetadata', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(
        sse([
          {
            candidates: [{ content: { role: 'model', parts: [{ text: 'The' }] }, index: 0 }],
            usageMetadata: { promptTokenCount: 120, totalTokenCount: 120 },
            responseId: 'r-9',
          },
          {
            candidates: [{ content: { role: 'model', parts: [{ text: ' sky is blue.' }] }, index: 0 }],
            usageMetadata: { promptTokenCount: 120, totalTokenCount: 125 },
            responseId: 'r-9',
          },
          { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }], usageMetadata, responseId: 'r-9' },
        ]),
      );
    };
    const r = (await client.chat(
      { model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'Sky?' }] },
      callOpts(),
    )) as StreamUpstreamResponse;
    const chunks = (await collect(r.events)).map((e) => e.data);
    assert.equal(up.requests[0]!.url, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'The sky is blue.');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1)!.usage, {
      prompt_tokens: 120,
      completion_tokens: 80,
      total_tokens: 200,
      prompt_tokens_details: { cached_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 50 },
    });
    assert.ok(chunks.every((c) => c.id === 'r-9'));
  });

  it("the first stream event's promptTokenCount rides on the role chunk as promptUsage (cache split out)", async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(
        sse([
          {
            candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }],
            usageMetadata: { promptTokenCount: 120, cachedContentTokenCount: 100, totalTokenCount: 120 },
            responseId: 'r-1',
          },
          { candidates: [{ content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 }], usageMetadata, responseId: 'r-1' },
        ]),
      );
    };
    const r = (await client.chat(
      { model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'Hi' }] },
      callOpts(),
    )) as StreamUpstreamResponse;
    const events = await collect(r.events);
    assert.deepEqual(events[0]!.data.choices[0]!.delta, { role: 'assistant', content: '' });
    assert.deepEqual(events[0]!.promptUsage, { prompt_tokens: 120, completion_tokens: 0, total_tokens: 120, prompt_tokens_details: { cached_tokens: 100 } });
    assert.ok(
      events.slice(1).every((e) => e.promptUsage === undefined),
      'only on the first chunk',
    );
    // A first event without usage carries none: nothing is made up.
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse([{ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP', index: 0 }], responseId: 'r-2' }]));
    };
    const bare = await collect(
      ((await client.chat({ model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'Hi' }] }, callOpts())) as StreamUpstreamResponse)
        .events,
    );
    assert.equal(bare[0]!.promptUsage, undefined);
  });

  it('reasoning_effort → thinkingConfig: a thinkingBudget for 2.5 models, a thinkingLevel for Gemini 3', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }], usageMetadata });
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['gemini-2.5-flash', 'none', { thinkingBudget: 0 }],
      ['gemini-2.5-flash', 'minimal', { thinkingBudget: 1024 }],
      ['gemini-2.5-flash', 'low', { thinkingBudget: 1024 }],
      ['gemini-2.5-pro', 'medium', { thinkingBudget: 8192 }],
      ['gemini-2.5-pro', 'high', { thinkingBudget: 24576 }],
      ['gemini-2.5-flash', 'xhigh', { thinkingBudget: 24576 }],
      ['gemini-3-pro-preview', 'none', { thinkingLevel: 'minimal' }],
      ['gemini-3-flash-preview', 'low', { thinkingLevel: 'low' }],
      ['gemini-3-flash-preview', 'medium', { thinkingLevel: 'medium' }],
      ['gemini-3-pro-preview', 'xhigh', { thinkingLevel: 'high' }],
    ];
    for (const [model, effort, thinkingConfig] of cases) {
      up.requests.length = 0;
      await client.chat({ model, reasoning_effort: effort, max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }, callOpts());
      assert.deepEqual(up.requests[0]!.json.generationConfig, { maxOutputTokens: 100, thinkingConfig }, `${model} ${effort}`);
    }
    up.requests.length = 0;
    await client.chat({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }, callOpts());
    assert.equal(up.requests[0]!.json.generationConfig, undefined, 'no effort: no thinkingConfig');
    const err = await rejection(client.chat({ model: 'gemini-2.5-flash', reasoning_effort: 'max', messages: [{ role: 'user', content: 'x' }] }, callOpts()));
    assert.equal(err.code, 'GW_ERR_INVALID_REQUEST');
    assert.equal(err.param, 'reasoning_effort');
  });

  it('a stream cut before finishReason → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sse([{ candidates: [{ content: { parts: [{ text: 'The' }] } }] }]));
    };
    const r = (await client.chat({ model: 'g', stream: true, messages: [{ role: 'user', content: 'x' }] }, callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });

  it('embeddings: one input → :embedContent, many → :batchEmbedContents', async () => {
    up.handler = (_q, res) => sendJson(res, 200, { embedding: { values: [0.1, 0.2] } });
    const one = (await client.embeddings!({ model: 'gemini-embedding-001', input: 'hello world!' }, callOpts())) as JsonUpstreamResponse;
    assert.equal(up.requests[0]!.url, '/v1beta/models/gemini-embedding-001:embedContent');
    assert.deepEqual(up.requests[0]!.json, { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello world!' }] } });
    assert.deepEqual((one.body as any).data, [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }]);
    assert.equal((one.body as any).usage.prompt_tokens, 3);
    up.handler = (_q, res) => sendJson(res, 200, { embeddings: [{ values: [1] }, { values: [2] }] });
    const many = (await client.embeddings!({ model: 'gemini-embedding-001', input: ['a', 'b'] }, callOpts())) as JsonUpstreamResponse;
    assert.equal(up.requests[1]!.url, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    assert.equal((up.requests[1]!.json as any).requests.length, 2);
    assert.deepEqual(
      (many.body as any).data.map((d: any) => d.embedding),
      [[1], [2]],
    );
  });
});

errorSuite('gemini', {
  client: (url, key) => gemini.create('g', { type: 'gemini', base_url: url, api_key: key }, { logger }),
  call: (c, signal, timeouts) => c.chat({ model: 'g', messages: [{ role: 'user', content: 'x' }] }, callOpts({ ...(signal ? { signal } : {}), timeouts })),
  errorBody: (status, message) => ({
    error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT' },
  }),
});
