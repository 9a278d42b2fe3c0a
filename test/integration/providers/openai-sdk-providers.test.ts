import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeProviders, REPLY, ANTHROPIC_USAGE, COHERE_TOKENS, GEMINI_USAGE, OPENAI_USAGE } from './fake-providers.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';

/** The canonical usage each provider's fixed figures must come out as. */
const EXPECTED: Record<string, { prompt_tokens: number; completion_tokens: number; cached?: number }> = {
  claude: {
    prompt_tokens: ANTHROPIC_USAGE.input_tokens + ANTHROPIC_USAGE.cache_read_input_tokens + ANTHROPIC_USAGE.cache_creation_input_tokens,
    completion_tokens: ANTHROPIC_USAGE.output_tokens,
    cached: ANTHROPIC_USAGE.cache_read_input_tokens,
  },
  command: { prompt_tokens: COHERE_TOKENS.input_tokens, completion_tokens: COHERE_TOKENS.output_tokens },
  gemini: {
    prompt_tokens: GEMINI_USAGE.promptTokenCount,
    completion_tokens: GEMINI_USAGE.candidatesTokenCount + GEMINI_USAGE.thoughtsTokenCount,
    cached: GEMINI_USAGE.cachedContentTokenCount,
  },
  'azure-gpt': { prompt_tokens: OPENAI_USAGE.prompt_tokens, completion_tokens: OPENAI_USAGE.completion_tokens, cached: 5 },
  'tgi-llama': { prompt_tokens: OPENAI_USAGE.prompt_tokens, completion_tokens: OPENAI_USAGE.completion_tokens, cached: 5 },
};

describe('openai SDK → gateway → anthropic, cohere, gemini, azure-openai and huggingface (tgi) providers', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    up = await startFakeProviders();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  ant: { type: anthropic, base_url: "${up.url}", api_key: "sk-ant-secret-0000000000" }
  co: { type: cohere, base_url: "${up.url}", api_key: "co-secret-0000000000" }
  gem: { type: gemini, base_url: "${up.url}", api_key: "AIzaSecret00000000000" }
  az: { type: azure-openai, base_url: "${up.url}", api_key: "az-secret-000000000", options: { api_version: "2024-10-21" } }
  hf: { type: huggingface, base_url: "${up.url}", api_key: "hf_secret000000000", options: { api: tgi } }
models:
  - { name: claude, provider: ant, model: claude-sonnet-4-5, capabilities: [chat, stream, tools] }
  - { name: command, provider: co, model: command-a-03-2025, capabilities: [chat, stream] }
  - { name: gemini, provider: gem, model: gemini-2.5-flash, capabilities: [chat, stream] }
  - { name: azure-gpt, provider: az, model: my-deployment, capabilities: [chat, stream] }
  - { name: tgi-llama, provider: hf, model: tgi, capabilities: [chat, stream] }
pipeline: [ { use: provider } ]
`);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  for (const model of Object.keys(EXPECTED)) {
    it(`${model}: non-streamed answer and usage`, async () => {
      const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      assert.equal(r.choices[0]!.message.content, REPLY);
      assert.equal(r.choices[0]!.finish_reason, 'stop');
      assert.equal(r.usage!.prompt_tokens, EXPECTED[model]!.prompt_tokens);
      assert.equal(r.usage!.completion_tokens, EXPECTED[model]!.completion_tokens);
      assert.equal(r.usage!.prompt_tokens_details?.cached_tokens, EXPECTED[model]!.cached);
    });

    it(`${model}: streamed answer; the usage chunk equals the provider's figures`, async () => {
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      let finish: string | null | undefined;
      for await (const c of stream) {
        text += c.choices[0]?.delta?.content ?? '';
        if (c.choices[0]?.finish_reason) finish = c.choices[0].finish_reason;
        if (c.usage) usage = c.usage;
      }
      assert.equal(text, REPLY);
      assert.equal(finish, 'stop');
      assert.equal(usage?.prompt_tokens, EXPECTED[model]!.prompt_tokens);
      assert.equal(usage?.completion_tokens, EXPECTED[model]!.completion_tokens);
    });
  }

  it('no provider key reaches the client in an error', async () => {
    up.handler = (_q, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key sk-ant-secret-0000000000' } }));
    };
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await r.text();
    assert.equal(r.status, 502);
    assert.ok(!text.includes('secret'), text);
    assert.equal(JSON.parse(text).error.code, 'provider_authentication_error');
  });
});
