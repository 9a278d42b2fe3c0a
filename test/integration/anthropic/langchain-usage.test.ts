/**
 * LangChain's ChatAnthropic (anthropicApiUrl = the gateway's root) reads usage in its own
 * way: input tokens of a stream come from message_start only. These check the figures it
 * reports, exactly, against scripted upstreams. (Its chat, stream, tools and structured
 * output, and @ai-sdk/anthropic's, are cells of the client matrix, test/integration/clients/.)
 */
import assert from 'node:assert/strict';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { decodeAnthropicRequest } from '../../../src/engine/server/codecs/anthropic-decode.ts';
import { countPromptTokensSync } from '../../../src/engine/tokens/count.ts';
import { ANTHROPIC_USAGE, COHERE_TOKENS, OPENAI_USAGE, REPLY, gatewayYaml, startScriptedUpstreams } from './upstreams.ts';

const QUESTION = 'Weather in Paris?';

describe('LangChain ChatAnthropic: the usage it reports', () => {
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
  });
});
