/**
 * Embeddings through every adapter that serves them (issue #10.1), with the real `openai`
 * SDK — which asks for `encoding_format: base64` by default and decodes little-endian
 * float32: the vector the client gets equals the upstream's floats, `dimensions` reaches
 * the upstream (or is refused naming it), and usage is reported. (LangChain's
 * OpenAIEmbeddings and the AI SDK's embedMany are cells of the client matrix,
 * test/integration/clients/.)
 */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeProviders, fakeVector, EMBED_TOKENS } from './fake-providers.ts';
import { mockEmbedding } from '../../../src/plugins-builtin/provider/adapters/mock/embed.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';

const f32 = (v: number[]) => Array.from(new Float32Array(v));
const INPUTS = ['hello', 'the quick brown fox'];

/** What each model's upstream answers for a text (the mock is its own upstream). */
const EXPECTED: Record<string, { vector: (text: string, dims?: number) => number[]; tokens?: number }> = {
  'mock-embed': { vector: (t, d) => mockEmbedding(t, d ?? 8), tokens: 5 },
  'cohere-embed': { vector: fakeVector, tokens: EMBED_TOKENS.cohere },
  'gemini-embed': { vector: fakeVector },
  'tei-embed': { vector: fakeVector },
  'openai-embed': { vector: fakeVector, tokens: EMBED_TOKENS.openai },
  'azure-embed': { vector: fakeVector, tokens: EMBED_TOKENS.openai },
};

describe('embeddings through every adapter, with the openai SDK', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    up = await startFakeProviders();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  local: { type: mock }
  co: { type: cohere, base_url: "${up.url}", api_key: "co-secret-0000000000" }
  gem: { type: gemini, base_url: "${up.url}", api_key: "AIzaSecret00000000000" }
  tei: { type: huggingface, base_url: "${up.url}", options: { api: tei } }
  oai: { type: openai, base_url: "${up.url}/v1", api_key: "sk-secret-000000000" }
  az: { type: azure-openai, base_url: "${up.url}", api_key: "az-secret-000000000" }
models:
  - { name: mock-embed, provider: local, model: mock-embed, capabilities: [embeddings] }
  - { name: cohere-embed, provider: co, model: embed-v4.0, capabilities: [embeddings] }
  - { name: gemini-embed, provider: gem, model: gemini-embedding-001, capabilities: [embeddings] }
  - { name: tei-embed, provider: tei, model: bge, capabilities: [embeddings] }
  - { name: openai-embed, provider: oai, model: text-embedding-3-small, capabilities: [embeddings] }
  - { name: azure-embed, provider: az, model: emb-deployment, capabilities: [embeddings] }
pipeline: [ { use: provider } ]
`);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  for (const [model, exp] of Object.entries(EXPECTED)) {
    describe(model, () => {
      it('SDK default (base64): the decoded vectors equal the upstream floats; usage reported', async () => {
        const r = await client.embeddings.create({ model, input: INPUTS });
        assert.equal(r.data.length, 2);
        INPUTS.forEach((t, i) => {
          assert.equal(r.data[i]!.index, i);
          assert.deepEqual(r.data[i]!.embedding, f32(exp.vector(t)));
        });
        assert.ok(r.usage.prompt_tokens > 0);
        if (exp.tokens !== undefined) assert.equal(r.usage.prompt_tokens, exp.tokens);
        assert.equal(r.usage.total_tokens, r.usage.prompt_tokens);
      });

      it('encoding_format float: the upstream floats exactly', async () => {
        const r = await client.embeddings.create({ model, input: 'hello', encoding_format: 'float' });
        assert.deepEqual(r.data[0]!.embedding, exp.vector('hello'));
      });

      it("base64 on the wire is OpenAI's: little-endian float32", async () => {
        const r = await postJson(`${gw.url}/v1/embeddings`, { model, input: 'hello', encoding_format: 'base64' });
        assert.equal(r.status, 200);
        const b = Buffer.from(r.json.data[0].embedding, 'base64');
        const v = Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(i * 4));
        assert.deepEqual(v, f32(exp.vector('hello')));
      });

      it('dimensions: 256 reaches the upstream and comes back that long', async () => {
        const r = await client.embeddings.create({ model, input: INPUTS, dimensions: 256 });
        for (const [i, d] of r.data.entries()) assert.deepEqual(d.embedding, f32(exp.vector(INPUTS[i]!, 256)));
      });
    });
  }

  it('the dimensions parameter reaches each upstream in its own dialect', async () => {
    up.requests.length = 0;
    for (const model of ['cohere-embed', 'gemini-embed', 'tei-embed', 'openai-embed']) await client.embeddings.create({ model, input: 'x', dimensions: 512 });
    const [co, gem, tei, oai] = up.requests.map((r) => r.json);
    assert.equal(co.output_dimension, 512);
    assert.equal(gem.outputDimensionality, 512);
    assert.equal(tei.dimensions, 512);
    assert.equal(oai.dimensions, 512);
    // Native upstreams are asked for floats: the gateway encodes base64 itself.
    assert.deepEqual(co.embedding_types, ['float']);
  });

  it('a size the provider cannot produce is a 400 naming dimensions', async () => {
    const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'cohere-embed', input: 'x', dimensions: 100 });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.param, 'dimensions');
    const bad = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: 'x', dimensions: 0 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, 'dimensions');
  });

  it('an upstream that ignores dimensions is caught: 400 naming dimensions, never a wrong-size vector', async () => {
    const handler = up.handler;
    up.handler = (req, res, rec) => {
      if (rec.url !== '/embed') return handler(req, res, rec);
      res.writeHead(200, { 'content-type': 'application/json' }).end('[[1,2,3,4]]');
    };
    try {
      const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'tei-embed', input: 'x', dimensions: 2 });
      assert.equal(r.status, 400);
      assert.equal(r.json.error.param, 'dimensions');
      assert.match(r.json.error.message, /4-dimensional/);
    } finally {
      up.handler = handler;
    }
  });

  it('bad encoding_format and token-id input are 400s naming the field', async () => {
    const fmt = await postJson(`${gw.url}/v1/embeddings`, { model: 'gemini-embed', input: 'x', encoding_format: 'hex' });
    assert.equal(fmt.status, 400);
    assert.equal(fmt.json.error.param, 'encoding_format');
    const ids = await postJson(`${gw.url}/v1/embeddings`, { model: 'cohere-embed', input: [[1, 2, 3]] });
    assert.equal(ids.status, 400);
    assert.equal(ids.json.error.param, 'input');
    assert.match(ids.json.error.message, /token ids/);
    const odd = await postJson(`${gw.url}/v1/embeddings`, { model: 'tei-embed', input: [{ text: 'x' }] });
    assert.equal(odd.status, 400);
    assert.equal(odd.json.error.param, 'input');
  });

  it('the mock embeds token-id inputs too (as LangChain for Python sends them), one vector per token array', async () => {
    const one = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: [1, 2, 3], encoding_format: 'float' });
    assert.equal(one.status, 200);
    assert.equal(one.json.data.length, 1);
    assert.equal(one.json.usage.prompt_tokens, 3);
    const two = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: [[1, 2, 3], [4]], encoding_format: 'float' });
    assert.deepEqual(two.json.data[0].embedding, one.json.data[0].embedding);
    assert.equal(two.json.data.length, 2);
  });
});
