/**
 * Conformance to OpenAI's published API description (issue #10.4, OpenAI half): every
 * adapter's answers through the gateway — plain, streamed chunk by chunk (usage chunk
 * included), with tool calls where the provider makes them — validate against the
 * CreateChatCompletionResponse / CreateChatCompletionStreamResponse schemas; embeddings
 * against CreateEmbeddingResponse; /v1/models against ListModelsResponse and Model; every
 * error body (and a stream's final error event) against ErrorResponse. The schemas are
 * vendored in test/fixtures/specs/openai/ (source and licence there).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeProviders } from './fake-providers.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';

const SPECS = path.resolve(import.meta.dirname, '../../fixtures/specs/openai');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat('unixtime', true).addFormat('float', true);
const schema = (name: string): ValidateFunction => ajv.compile(JSON.parse(readFileSync(path.join(SPECS, `${name}.schema.json`), 'utf8')));
const V = {
  completion: schema('CreateChatCompletionResponse'),
  chunk: schema('CreateChatCompletionStreamResponse'),
  embeddings: schema('CreateEmbeddingResponse'),
  models: schema('ListModelsResponse'),
  model: schema('Model'),
  error: schema('ErrorResponse'),
};

function conforms(validate: ValidateFunction, value: unknown, label: string): void {
  assert.ok(validate(value), `${label}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 600)}`);
}

const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } },
];
const ask = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], ...extra });

/** The `data:` events of an SSE body, parsed, and whether it ended with [DONE]. */
async function events(url: string, body: unknown): Promise<{ status: number; events: unknown[]; done: boolean }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  const data = text
    .split('\n\n')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
  return { status: r.status, events: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)), done: data.at(-1) === '[DONE]' };
}

/** Models and whether their fake upstream answers tool calls. */
const CHAT_MODELS: Record<string, { tools: boolean }> = {
  'openai-chat': { tools: true },
  'azure-chat': { tools: true },
  claude: { tools: true },
  gemini: { tools: false },
  command: { tools: false },
  'tgi-openai': { tools: true },
  'tgi-native': { tools: false },
  'hf-serverless': { tools: false },
  mock: { tools: true },
};

describe('conformance to OpenAI API description (response schemas)', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  before(async () => {
    up = await startFakeProviders();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  oai: { type: openai, base_url: "${up.url}/v1", api_key: "sk-secret-000000000" }
  az: { type: azure-openai, base_url: "${up.url}", api_key: "az-secret-000000000" }
  ant: { type: anthropic, base_url: "${up.url}", api_key: "sk-ant-secret-0000000000" }
  gem: { type: gemini, base_url: "${up.url}", api_key: "AIzaSecret00000000000" }
  co: { type: cohere, base_url: "${up.url}", api_key: "co-secret-0000000000" }
  tgi: { type: huggingface, base_url: "${up.url}", options: { api: tgi } }
  tgin: { type: huggingface, base_url: "${up.url}", options: { api: tgi, tgi_route: native } }
  hfs: { type: huggingface, base_url: "${up.url}", api_key: "hf_secret000000000", options: { api: inference-api } }
  tei: { type: huggingface, base_url: "${up.url}", options: { api: tei } }
  local: { type: mock }
  cut: { type: mock, options: { faults: { cut_stream_rate: 1, cut_after_chunks: 1 } } }
models:
  - { name: openai-chat, provider: oai, model: gpt-4o-mini, capabilities: [chat, stream, tools] }
  - { name: azure-chat, provider: az, model: dep, capabilities: [chat, stream, tools] }
  - { name: claude, provider: ant, model: claude-sonnet-4-5, capabilities: [chat, stream, tools] }
  - { name: gemini, provider: gem, model: gemini-2.5-flash, capabilities: [chat, stream, tools] }
  - { name: command, provider: co, model: command-a, capabilities: [chat, stream, tools] }
  - { name: tgi-openai, provider: tgi, model: tgi, capabilities: [chat, stream, tools] }
  - { name: tgi-native, provider: tgin, model: llama, capabilities: [chat, stream] }
  - { name: hf-serverless, provider: hfs, model: gpt2, capabilities: [chat, stream] }
  - { name: mock, provider: local, model: mock-gpt, capabilities: [chat, stream, tools, json_mode] }
  - { name: cut, provider: cut, model: m, capabilities: [chat, stream] }
  - { name: openai-embed, provider: oai, model: text-embedding-3-small, capabilities: [embeddings] }
  - { name: azure-embed, provider: az, model: emb, capabilities: [embeddings] }
  - { name: gemini-embed, provider: gem, model: gemini-embedding-001, capabilities: [embeddings] }
  - { name: cohere-embed, provider: co, model: embed-v4.0, capabilities: [embeddings] }
  - { name: tei-embed, provider: tei, model: bge, capabilities: [embeddings] }
  - { name: mock-embed, provider: local, model: e, capabilities: [embeddings] }
pipeline: [ { use: provider } ]
`);
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });
  const chatUrl = () => `${gw.url}/v1/chat/completions`;

  for (const [model, { tools }] of Object.entries(CHAT_MODELS)) {
    describe(model, () => {
      it('a plain answer is a CreateChatCompletionResponse', async () => {
        const r = await postJson(chatUrl(), ask(model));
        assert.equal(r.status, 200);
        conforms(V.completion, r.json, model);
      });

      it('every streamed chunk, the usage chunk included, is a CreateChatCompletionStreamResponse', async () => {
        const s = await events(chatUrl(), ask(model, { stream: true, stream_options: { include_usage: true } }));
        assert.equal(s.status, 200);
        assert.ok(s.done, 'ends with [DONE]');
        assert.ok(s.events.length >= 3);
        s.events.forEach((e, i) => conforms(V.chunk, e, `${model} chunk ${i}`));
        assert.ok((s.events.at(-1) as { usage?: unknown }).usage, 'the last chunk carries usage');
      });

      if (tools)
        it('tool calls, plain and streamed, conform too', async () => {
          const r = await postJson(chatUrl(), ask(model, { tools: TOOLS }));
          assert.equal(r.json.choices[0].finish_reason, 'tool_calls');
          conforms(V.completion, r.json, `${model} tools`);
          const s = await events(chatUrl(), ask(model, { tools: TOOLS, stream: true }));
          s.events.forEach((e, i) => conforms(V.chunk, e, `${model} tool chunk ${i}`));
        });
    });
  }

  it('mock: n > 1, truncation and JSON mode conform', async () => {
    const r = await postJson(chatUrl(), ask('mock', { n: 2, max_tokens: 2, response_format: { type: 'json_object' } }));
    conforms(V.completion, r.json, 'mock n=2');
    const s = await events(chatUrl(), ask('mock', { n: 2, stream: true, stream_options: { include_usage: true } }));
    s.events.forEach((e, i) => conforms(V.chunk, e, `mock n=2 chunk ${i}`));
  });

  for (const model of ['openai-embed', 'azure-embed', 'gemini-embed', 'cohere-embed', 'tei-embed', 'mock-embed'])
    it(`${model}: embeddings are a CreateEmbeddingResponse`, async () => {
      const r = await postJson(`${gw.url}/v1/embeddings`, { model, input: ['a', 'b'], encoding_format: 'float' });
      assert.equal(r.status, 200);
      conforms(V.embeddings, r.json, model);
    });

  it('GET /v1/models is a ListModelsResponse; /v1/models/{id} a Model', async () => {
    const list = await (await fetch(`${gw.url}/v1/models`)).json();
    conforms(V.models, list, 'models');
    assert.ok(list.data.length >= 16);
    conforms(V.model, await (await fetch(`${gw.url}/v1/models/claude`)).json(), 'model');
  });

  it('error bodies are ErrorResponses: bad JSON, unknown model, provider failures, a bad parameter', async () => {
    const bad = await postJson(chatUrl(), '{"model":');
    assert.equal(bad.status, 400);
    conforms(V.error, bad.json, 'bad json');
    const unknown = await postJson(chatUrl(), ask('nope'));
    assert.equal(unknown.status, 404);
    conforms(V.error, unknown.json, 'unknown model');
    conforms(V.error, (await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: 'x', dimensions: -1 })).json, 'bad dimensions');
    const handler = up.handler;
    up.handler = (_q, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}') && undefined;
    try {
      const auth = await postJson(chatUrl(), ask('claude'));
      assert.equal(auth.status, 502);
      conforms(V.error, auth.json, 'provider auth');
    } finally {
      up.handler = handler;
    }
  });

  it("a stream's final error event is an ErrorResponse, after conforming chunks", async () => {
    const s = await events(chatUrl(), ask('cut', { stream: true }));
    assert.equal(s.done, false);
    const last = s.events.pop();
    conforms(V.error, last, 'stream error event');
    s.events.forEach((e, i) => conforms(V.chunk, e, `cut chunk ${i}`));
  });
});
