import assert from 'node:assert/strict';
import azure from '../../../../../src/plugins-builtin/provider/adapters/azure-openai/index.ts';
import type { ProviderClient, StreamUpstreamResponse, JsonUpstreamResponse } from '../../../../../src/engine/types.ts';
import { startUpstream, sendJson, startSse, sseBody, callOpts, collect, rejection, logger, type FakeUpstream } from '../../helpers/upstream.ts';
import { errorSuite } from '../../helpers/error-suite.ts';

const completion = {
  id: 'chatcmpl-az',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop', content_filter_results: {} }],
  usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
  prompt_filter_results: [],
};

describe('azure-openai adapter', () => {
  let up: FakeUpstream;
  let client: ProviderClient;
  before(async () => {
    up = await startUpstream();
    client = azure.create('az', { type: 'azure-openai', base_url: up.url, api_key: 'az-key-123', options: { api_version: '2024-10-21' } }, { logger });
  });
  after(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('posts to /openai/deployments/{deployment}/chat/completions?api-version with api-key, no model in body', async () => {
    up.handler = (_q, res) => sendJson(res, 200, completion);
    const raw = Buffer.from(JSON.stringify({ model: 'my-gpt4o', messages: [{ role: 'user', content: 'Hi' }] }));
    const r = (await client.chat(
      { model: 'my-gpt4o', messages: [{ role: 'user', content: 'Hi' }] },
      callOpts({ rawBody: raw, requestedModel: 'my-gpt4o' }),
    )) as JsonUpstreamResponse;
    const rec = up.requests[0]!;
    assert.equal(rec.url, '/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21');
    assert.equal(rec.headers['api-key'], 'az-key-123');
    assert.equal(rec.headers.authorization, undefined);
    assert.deepEqual(rec.json, { messages: [{ role: 'user', content: 'Hi' }] });
    assert.deepEqual(r.body, completion);
  });

  it('streams with include_usage; usage chunk passes through', async () => {
    const usage = { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, prompt_tokens_details: { cached_tokens: 0 } };
    up.handler = (_q, res) => {
      startSse(res);
      res.end(
        sseBody([
          { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
          {
            id: 'c',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'gpt-4o',
            choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
          },
          { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] },
          { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage },
          'data: [DONE]\n\n',
        ]),
      );
    };
    const r = (await client.chat({ model: 'dep', stream: true, messages: [{ role: 'user', content: 'Hi' }] }, callOpts())) as StreamUpstreamResponse;
    const events = await collect(r.events);
    assert.deepEqual(up.requests[0]!.json.stream_options, { include_usage: true });
    assert.deepEqual(events.at(-1)!.data.usage, usage);
  });

  it('embeddings at /openai/deployments/{deployment}/embeddings', async () => {
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        object: 'list',
        model: 'ada',
        data: [{ object: 'embedding', index: 0, embedding: [1, 2] }],
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    await client.embeddings!({ model: 'emb-dep', input: 'x' }, callOpts());
    assert.equal(up.requests[0]!.url, '/openai/deployments/emb-dep/embeddings?api-version=2024-10-21');
  });

  it("Azure's content filter 400 → GW_ERR_PROVIDER_CONTENT_POLICY", async () => {
    up.handler = (_q, res) =>
      sendJson(res, 400, {
        error: {
          message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
        },
      });
    assert.equal((await rejection(client.chat({ model: 'd', messages: [{ role: 'user', content: 'x' }] }, callOpts()))).code, 'GW_ERR_PROVIDER_CONTENT_POLICY');
  });

  it('refuses a config without base_url', () => {
    assert.throws(() => azure.create('az', { type: 'azure-openai' }, { logger }), /base_url/);
  });
});

errorSuite('azure-openai', {
  client: (url, key) => azure.create('az', { type: 'azure-openai', base_url: url, api_key: key }, { logger }),
  call: (c, signal, timeouts) => c.chat({ model: 'd', messages: [{ role: 'user', content: 'x' }] }, callOpts({ ...(signal ? { signal } : {}), timeouts })),
  errorBody: (_s, message, code) => ({ error: { message, type: null, param: null, code: code ?? null } }),
});
