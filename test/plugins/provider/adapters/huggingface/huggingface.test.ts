import assert from 'node:assert/strict';
import hf from '../../../../../src/plugins-builtin/provider/adapters/huggingface/index.ts';
import type { ProviderClient, StreamUpstreamResponse, JsonUpstreamResponse } from '../../../../../src/engine/types.ts';
import type { ChatCompletion } from '../../../../../src/engine/openai-types.ts';
import { startUpstream, sendJson, startSse, sseBody, callOpts, collect, rejection, logger, type FakeUpstream } from '../../helpers/upstream.ts';
import { errorSuite } from '../../helpers/error-suite.ts';

const msgs = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'What is Deep Learning?' },
];

describe('huggingface adapter', () => {
  let up: FakeUpstream;
  const clients: ProviderClient[] = [];
  const make = (options: Record<string, unknown>) => {
    const c = hf.create('hf', { type: 'huggingface', base_url: up.url, api_key: 'hf_abcdefghijklmnop', options }, { logger });
    clients.push(c);
    return c;
  };
  before(async () => {
    up = await startUpstream();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('tgi (default): chat goes to the OpenAI route /v1/chat/completions with include_usage on streams', async () => {
    const c = make({});
    assert.deepEqual(c.defaultCapabilities, ['chat', 'stream', 'tools', 'json_mode']);
    up.handler = (_q, res) => {
      startSse(res);
      res.end(
        sseBody([
          {
            id: '',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'tgi',
            choices: [{ index: 0, delta: { role: 'assistant', content: 'Deep' }, finish_reason: null }],
          },
          {
            id: '',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'tgi',
            choices: [{ index: 0, delta: { content: ' learning' }, finish_reason: 'stop' }],
          },
          {
            id: '',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'tgi',
            choices: [],
            usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
          },
          'data: [DONE]\n\n',
        ]),
      );
    };
    const r = (await c.chat({ model: 'tgi', stream: true, messages: msgs }, callOpts())) as StreamUpstreamResponse;
    const events = await collect(r.events);
    assert.equal(up.requests[0]!.url, '/v1/chat/completions');
    assert.equal(up.requests[0]!.headers.authorization, 'Bearer hf_abcdefghijklmnop');
    assert.deepEqual(up.requests[0]!.json.stream_options, { include_usage: true });
    assert.deepEqual(events.at(-1)!.data.usage, { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 });
    assert.equal(c.embeddings, undefined);
  });

  it('tgi native: /generate with details; usage from prefill and generated_tokens', async () => {
    const c = make({ tgi_route: 'native' });
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        generated_text: 'Deep learning is a subset of ML.',
        details: {
          finish_reason: 'eos_token',
          generated_tokens: 9,
          seed: null,
          prefill: [
            { id: 1, text: '<s>' },
            { id: 2, text: 'user' },
            { id: 3, text: ':' },
          ],
          tokens: [],
        },
      });
    const r = (await c.chat({ model: 'llama', temperature: 0, max_tokens: 20, stop: ['\n'], messages: msgs }, callOpts())) as JsonUpstreamResponse;
    assert.equal(up.requests[0]!.url, '/generate');
    assert.deepEqual(up.requests[0]!.json, {
      inputs: 'system: Be brief.\nuser: What is Deep Learning?\nassistant:',
      parameters: { return_full_text: false, max_new_tokens: 20, stop: ['\n'], details: true, decoder_input_details: true },
    });
    const body = r.body as ChatCompletion;
    assert.equal(body.choices[0]!.message.content, 'Deep learning is a subset of ML.');
    assert.equal(body.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 });
  });

  it('tgi native: /generate_stream tokens → chunks; usage from the final details', async () => {
    const c = make({ tgi_route: 'native' });
    up.handler = (_q, res) => {
      startSse(res);
      res.end(
        sseBody([
          { index: 1, token: { id: 1, text: 'Deep', logprob: -0.1, special: false }, generated_text: null, details: null },
          { index: 2, token: { id: 2, text: ' learning', logprob: -0.2, special: false }, generated_text: null, details: null },
          {
            index: 3,
            token: { id: 3, text: '</s>', logprob: -0.3, special: true },
            generated_text: 'Deep learning',
            details: { finish_reason: 'length', generated_tokens: 3, seed: null, input_length: 17 },
          },
        ]),
      );
    };
    const r = (await c.chat({ model: 'llama', stream: true, messages: msgs }, callOpts())) as StreamUpstreamResponse;
    const chunks = (await collect(r.events)).map((e) => e.data);
    assert.equal(up.requests[0]!.url, '/generate_stream');
    assert.equal(chunks.map((x) => x.choices[0]?.delta.content ?? '').join(''), 'Deep learning');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'length');
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 17, completion_tokens: 3, total_tokens: 20 });
  });

  it('tgi native: a stream cut before the final details → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
    const c = make({ tgi_route: 'native' });
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([{ index: 1, token: { id: 1, text: 'Deep', special: false }, generated_text: null, details: null }]));
    };
    const r = (await c.chat({ model: 'llama', stream: true, messages: msgs }, callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });

  it('inference-api: POST /models/{model}; no stream capability, but a stream request is emulated', async () => {
    const c = make({ api: 'inference-api' });
    assert.deepEqual(c.defaultCapabilities, ['chat']);
    up.handler = (_q, res) => sendJson(res, 200, [{ generated_text: 'Deep learning uses neural nets.' }]);
    const plain = (await c.chat({ model: 'gpt2', messages: msgs }, callOpts())) as JsonUpstreamResponse;
    assert.equal(up.requests[0]!.url, '/models/gpt2');
    assert.deepEqual(up.requests[0]!.json.options, { wait_for_model: true });
    const body = plain.body as ChatCompletion;
    assert.equal(body.choices[0]!.message.content, 'Deep learning uses neural nets.');
    const s = (await c.chat({ model: 'gpt2', stream: true, messages: msgs }, callOpts())) as StreamUpstreamResponse;
    assert.equal(s.kind, 'stream');
    const chunks = (await collect(s.events)).map((e) => e.data);
    assert.equal(chunks.map((x) => x.choices[0]?.delta.content ?? '').join(''), 'Deep learning uses neural nets.');
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    // estimated: 57 prompt chars / 4 → 15; 31 answer chars / 4 → 8
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 15, completion_tokens: 8, total_tokens: 23 });
  });

  it('inference-api: a loading model (503) → GW_ERR_UPSTREAM_UNAVAILABLE', async () => {
    const c = make({ api: 'inference-api' });
    up.handler = (_q, res) => sendJson(res, 503, { error: 'Model gpt2 is currently loading', estimated_time: 20 });
    assert.equal((await rejection(c.chat({ model: 'gpt2', messages: msgs }, callOpts()))).code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
  });

  it('tei: POST /embed → OpenAI embeddings list; chat is refused', async () => {
    const c = make({ api: 'tei' });
    up.handler = (_q, res) =>
      sendJson(res, 200, [
        [0.1, 0.2],
        [0.3, 0.4],
      ]);
    const r = (await c.embeddings!({ model: 'bge', input: ['What is Deep Learning?', 'hi'] }, callOpts())) as JsonUpstreamResponse;
    assert.equal(up.requests[0]!.url, '/embed');
    assert.deepEqual(up.requests[0]!.json, { inputs: ['What is Deep Learning?', 'hi'], normalize: true, truncate: false });
    assert.deepEqual((r.body as any).data, [
      { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
      { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
    ]);
    assert.equal((await rejection(c.chat({ model: 'bge', messages: msgs }, callOpts()))).code, 'GW_ERR_CAPABILITY_UNSUPPORTED');
  });
});

errorSuite('huggingface (tgi native)', {
  client: (url, key) => hf.create('hf', { type: 'huggingface', base_url: url, api_key: key, options: { tgi_route: 'native' } }, { logger }),
  call: (c, signal, timeouts) => c.chat({ model: 'llama', messages: msgs }, callOpts({ ...(signal ? { signal } : {}), timeouts })),
  errorBody: (_s, message, code) => ({ error: message, error_type: code ?? 'validation' }),
});
