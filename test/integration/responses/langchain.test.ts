/**
 * LangChain's `ChatOpenAI({ useResponsesApi: true })`: invoke, stream, and a tool round
 * trip (bindTools → tool call → ToolMessage → answer; LangChain sends the previous
 * output items back as they came) — against scripted OpenAI and Anthropic upstreams and
 * the mock provider.
 */
import assert from 'node:assert/strict';
import { ChatOpenAI } from '@langchain/openai';
import { type AIMessageChunk, HumanMessage, type ToolMessage, type AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { allProvidersConfig, REPLY, startScriptedUpstream } from './upstream.ts';

/** The text of a LangChain message whose content is a string or content blocks. */
const textOf = (m: { content: unknown }): string =>
  typeof m.content === 'string'
    ? m.content
    : (m.content as Array<{ type: string; text?: string }>).map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join('');

describe('LangChain ChatOpenAI({ useResponsesApi: true }) → /v1/responses', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  const chat = (model: string) =>
    new ChatOpenAI({ model, apiKey: 'client-key', useResponsesApi: true, maxRetries: 0, configuration: { baseURL: `${gw.url}/v1` } });
  const last = () => up.requests[up.requests.length - 1]!;
  const getWeather = tool(async ({ location }: { location: string }) => `15C and sunny in ${location}`, {
    name: 'get_weather',
    description: 'Current weather',
    schema: z.object({ location: z.string() }),
  });

  before(async () => {
    up = await startScriptedUpstream();
    gw = await startTestGateway(allProvidersConfig(up.url, 'pipeline: [ { use: validation }, { use: provider } ]'));
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  for (const model of ['gpt', 'claude'] as const) {
    describe(model, () => {
      it('invoke and stream', async () => {
        const m = await chat(model).invoke('Weather in Paris?');
        assert.equal(textOf(m), REPLY);
        assert.ok(m.usage_metadata!.input_tokens > 0 && m.usage_metadata!.output_tokens > 0, JSON.stringify(m.usage_metadata));
        let acc: AIMessageChunk | undefined;
        let chunks = 0;
        for await (const c of await chat(model).stream('Weather in Paris?')) {
          acc = acc ? acc.concat(c) : c;
          chunks++;
        }
        assert.ok(chunks > 2, 'the answer streamed in pieces');
        assert.equal(textOf(acc!), REPLY);
      });

      it('tools: a tool call, its result, the answer', async () => {
        const llm = chat(model).bindTools([getWeather]);
        const question = new HumanMessage('Weather in Paris?');
        const ai = (await llm.invoke([question])) as AIMessage;
        assert.equal(ai.tool_calls?.length, 1);
        const call = ai.tool_calls![0]!;
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(call.args, { location: 'Paris' });
        const result = (await getWeather.invoke(call)) as ToolMessage;
        const answer = await llm.invoke([question, ai, result]);
        assert.equal(textOf(answer), REPLY);
        const sent = JSON.stringify(last().json);
        assert.ok(sent.includes('15C and sunny in Paris') && sent.includes(call.id!), `the result reached the provider under its call id: ${sent}`);
      });
    });
  }

  describe('mock provider', () => {
    it('invoke and stream', async () => {
      assert.equal(textOf(await chat('mock').invoke('hello mock')), 'Mock reply to: hello mock');
      let text = '';
      for await (const c of await chat('mock').stream('hello stream')) text += textOf(c);
      assert.equal(text, 'Mock reply to: hello stream');
    });

    it('a tool call, offline', async () => {
      const ai = (await chat('mock').bindTools([getWeather], { tool_choice: 'required' }).invoke('Weather in Paris?')) as AIMessage;
      assert.equal(ai.tool_calls?.length, 1);
      assert.equal(ai.tool_calls![0]!.name, 'get_weather');
      assert.equal(typeof ai.tool_calls![0]!.args.location, 'string');
    });
  });
});
