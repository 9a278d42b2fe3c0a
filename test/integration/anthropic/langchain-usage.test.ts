/**
 * Two more Anthropic clients, unchanged, against the gateway with scripted upstreams:
 * LangChain's ChatAnthropic (anthropicApiUrl = the gateway's root) — invoke, stream with
 * usage_metadata (input tokens come from message_start only), tool calling — and the AI
 * SDK's @ai-sdk/anthropic (baseURL = the gateway's /v1) — generateText, streamText, tools.
 */
import assert from 'node:assert/strict';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { decodeAnthropicRequest } from '../../../src/engine/server/codecs/anthropic-decode.ts';
import { countPromptTokensSync } from '../../../src/engine/tokens/count.ts';
import { ANTHROPIC_USAGE, COHERE_TOKENS, OPENAI_USAGE, REPLY, gatewayYaml, startScriptedUpstreams } from './upstreams.ts';

const QUESTION = 'Weather in Paris?';
const weatherTool = {
  name: 'get_weather',
  description: 'Current weather',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

describe('LangChain ChatAnthropic and @ai-sdk/anthropic against the gateway', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  before(async () => {
    up = await startScriptedUpstreams();
    gw = await startTestGateway(gatewayYaml(up.url));
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  describe('@langchain/anthropic ChatAnthropic', () => {
    const chat = (model: string) => new ChatAnthropic({ model, anthropicApiUrl: gw.url, apiKey: 'any-key', maxRetries: 0, maxTokens: 64 });

    it('invoke: the answer and its usage', async () => {
      const msg = await chat('via-openai').invoke(QUESTION);
      assert.equal(msg.content, REPLY);
      assert.equal(msg.usage_metadata?.input_tokens, OPENAI_USAGE.prompt_tokens);
      assert.equal(msg.usage_metadata?.output_tokens, OPENAI_USAGE.completion_tokens);
    });

    it("stream: usage_metadata's input tokens (from message_start) are the gateway's count, output the upstream's", async () => {
      let total: AIMessageChunk | undefined;
      for await (const chunk of await chat('via-cohere').stream(QUESTION)) total = total ? total.concat(chunk) : chunk;
      assert.equal(total!.content, REPLY);
      const expected = countPromptTokensSync(
        decodeAnthropicRequest({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: QUESTION }] }),
        'command-a',
      );
      assert.ok(expected > 0);
      assert.equal(total!.usage_metadata?.input_tokens, expected);
      assert.equal(total!.usage_metadata?.output_tokens, COHERE_TOKENS.output_tokens);
    });

    it("stream from an Anthropic upstream: input tokens are the upstream's, cache included", async () => {
      let total: AIMessageChunk | undefined;
      for await (const chunk of await chat('via-anthropic').stream(QUESTION)) total = total ? total.concat(chunk) : chunk;
      const u = ANTHROPIC_USAGE;
      assert.equal(total!.usage_metadata?.input_tokens, u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens);
      assert.equal(total!.usage_metadata?.input_token_details?.cache_read, u.cache_read_input_tokens);
    });

    for (const model of ['via-openai', 'via-gemini']) {
      it(`tool calling through ${model}: invoke and stream give the same tool call`, async () => {
        const bound = chat(model).bindTools([weatherTool]);
        const msg = await bound.invoke(QUESTION);
        assert.equal(msg.tool_calls?.length, 1);
        assert.equal(msg.tool_calls![0]!.name, 'get_weather');
        assert.deepEqual(msg.tool_calls![0]!.args, { location: 'Paris' });
        let total: AIMessageChunk | undefined;
        for await (const chunk of await bound.stream(QUESTION)) total = total ? total.concat(chunk) : chunk;
        assert.deepEqual(
          total!.tool_calls?.map((c) => [c.name, c.args]),
          [['get_weather', { location: 'Paris' }]],
        );
        assert.ok((total!.usage_metadata?.input_tokens ?? 0) > 0);
      });
    }
  });

  describe('@ai-sdk/anthropic', () => {
    const provider = () => createAnthropic({ baseURL: `${gw.url}/v1`, apiKey: 'any-key' });

    it('generateText: text, finish reason and usage', async () => {
      const r = await generateText({ model: provider()('via-gemini'), prompt: QUESTION, maxRetries: 0, maxOutputTokens: 64 });
      assert.equal(r.text, REPLY);
      assert.equal(r.finishReason, 'stop');
      assert.ok((r.usage.inputTokens ?? 0) > 0);
      assert.ok((r.usage.outputTokens ?? 0) > 0);
    });

    it('streamText: the text and usage arrive', async () => {
      const r = streamText({ model: provider()('via-openai'), prompt: QUESTION, maxRetries: 0, maxOutputTokens: 64 });
      let text = '';
      for await (const t of r.textStream) text += t;
      assert.equal(text, REPLY);
      const usage = await r.usage;
      assert.equal(usage.outputTokens, OPENAI_USAGE.completion_tokens);
      assert.ok((usage.inputTokens ?? 0) > 0);
      assert.equal(await r.finishReason, 'stop');
    });

    it('tools: generateText and streamText return the tool call', async () => {
      const tools = {
        get_weather: tool({ description: 'Current weather', inputSchema: jsonSchema<{ location: string }>(weatherTool.input_schema as never) }),
      };
      const r = await generateText({ model: provider()('via-anthropic'), prompt: QUESTION, tools, maxRetries: 0, maxOutputTokens: 64 });
      assert.deepEqual(
        r.toolCalls.map((c) => [c.toolName, c.input]),
        [['get_weather', { location: 'Paris' }]],
      );
      assert.equal(r.finishReason, 'tool-calls');
      const s = streamText({ model: provider()('via-cohere'), prompt: QUESTION, tools, maxRetries: 0, maxOutputTokens: 64 });
      const calls = await s.toolCalls;
      assert.deepEqual(
        calls.map((c) => [c.toolName, c.input]),
        [['get_weather', { location: 'Paris' }]],
      );
    });
  });
});
