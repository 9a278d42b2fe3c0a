/**
 * The Vercel AI SDK (`ai` 6 with `@ai-sdk/openai` 3), whose default `openai(model)` speaks
 * the Responses API: generateText, streamText, a tool call run to its answer (the SDK's
 * multi-step loop), a follow-up turn that refers back to the stored answer with an
 * `item_reference`, and generateObject — against scripted OpenAI and Anthropic upstreams
 * and the mock provider.
 */
import assert from 'node:assert/strict';
import { APICallError, generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { allProvidersConfig, JSON_REPLY, REPLY, startScriptedUpstream } from './upstream.ts';

describe('Vercel AI SDK openai(model) → /v1/responses', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let openai: ReturnType<typeof createOpenAI>;
  const last = () => up.requests[up.requests.length - 1]!;

  before(async () => {
    up = await startScriptedUpstream();
    gw = await startTestGateway(allProvidersConfig(up.url, 'pipeline: [ { use: validation }, { use: provider } ]'));
    openai = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'client-key' });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  const weatherTool = () =>
    tool({
      description: 'Current weather',
      inputSchema: z.object({ location: z.string() }),
      execute: async ({ location }) => `15C and sunny in ${location}`,
    });

  for (const model of ['gpt', 'claude'] as const) {
    describe(model, () => {
      it('generateText and streamText', async () => {
        const g = await generateText({ model: openai(model), system: 'Be brief.', prompt: 'Weather in Paris?' });
        assert.equal(g.text, REPLY);
        assert.ok(g.usage.inputTokens! > 0 && g.usage.outputTokens! > 0, JSON.stringify(g.usage));
        assert.equal(g.finishReason, 'stop');
        assert.equal(last().url.endsWith(model === 'gpt' ? '/chat/completions' : '/v1/messages'), true, 'the SDK reached the provider through /v1/responses');
        const s = streamText({ model: openai(model), prompt: 'Weather in Paris?' });
        let text = '';
        for await (const d of s.textStream) text += d;
        assert.equal(text, REPLY);
        assert.equal((await s.usage).outputTokens, g.usage.outputTokens);
      });

      it('a tool call, executed by the SDK and answered in the next step', async () => {
        const r = await generateText({ model: openai(model), prompt: 'Weather in Paris?', tools: { get_weather: weatherTool() }, stopWhen: stepCountIs(3) });
        assert.equal(r.steps.length, 2);
        assert.equal(r.steps[0]!.toolCalls[0]!.toolName, 'get_weather');
        assert.deepEqual(r.steps[0]!.toolCalls[0]!.input, { location: 'Paris' });
        assert.equal(r.text, REPLY);
        assert.ok(JSON.stringify(last().json).includes('15C and sunny in Paris'), 'the tool result reached the provider');
        // Streamed, the same loop.
        const s = streamText({ model: openai(model), prompt: 'Weather in Paris?', tools: { get_weather: weatherTool() }, stopWhen: stepCountIs(3) });
        assert.equal(await s.text, REPLY);
        assert.equal((await s.steps).length, 2);
      });

      it('a follow-up turn refers to the stored answer with an item_reference', async () => {
        const first = await generateText({ model: openai(model), prompt: 'My name is Ada.' });
        const followUp = await generateText({
          model: openai(model),
          messages: [{ role: 'user', content: 'My name is Ada.' }, ...first.response.messages, { role: 'user', content: 'What is my name?' }],
        });
        assert.equal(followUp.text, REPLY);
        const raw = followUp.request.body;
        const body = typeof raw === 'string' ? JSON.parse(raw) : (raw as { input: unknown[] });
        assert.ok(
          body.input.some((i: { type?: string }) => i.type === 'item_reference'),
          `the SDK sent an item_reference: ${JSON.stringify(body.input)}`,
        );
        // The gateway resolved it: the provider got the stored answer back in place.
        const sent = JSON.stringify(last().json);
        const at = ['My name is Ada.', REPLY, 'What is my name?'].map((s) => sent.indexOf(s));
        assert.ok(at[0]! >= 0 && at[1]! > at[0]! && at[2]! > at[1]!, sent);
      });
    });
  }

  it('generateObject: structured output through text.format (OpenAI upstream)', async () => {
    const { object } = await generateObject({
      model: openai('gpt'),
      schema: z.object({ city: z.string(), celsius: z.number() }),
      prompt: 'Weather in Paris as JSON',
    });
    assert.deepEqual(object, JSON.parse(JSON_REPLY));
    assert.equal(last().json.response_format.type, 'json_schema');
  });

  it('generateObject to a provider that cannot honour it fails with the 400 naming text.format', async () => {
    await assert.rejects(
      generateObject({ model: openai('claude'), schema: z.object({ city: z.string() }), prompt: 'Weather as JSON', maxRetries: 0 }),
      (e: unknown) => APICallError.isInstance(e) && e.statusCode === 400 && /text\.format/.test(e.responseBody ?? ''),
    );
  });

  describe('mock provider', () => {
    it('generateText and streamText', async () => {
      const g = await generateText({ model: openai('mock'), prompt: 'hello mock' });
      assert.equal(g.text, 'Mock reply to: hello mock');
      const s = streamText({ model: openai('mock'), prompt: 'hello stream' });
      assert.equal(await s.text, 'Mock reply to: hello stream');
    });

    it('a tool call and generateObject, offline', async () => {
      const r = await generateText({ model: openai('mock'), prompt: 'Weather in Paris?', tools: { get_weather: weatherTool() }, stopWhen: stepCountIs(3) });
      assert.equal(r.steps[0]!.toolCalls[0]!.toolName, 'get_weather');
      assert.equal(typeof (r.steps[0]!.toolCalls[0]!.input as { location: unknown }).location, 'string');
      assert.match(r.text, /sunny/, 'the answer uses the tool result');
      const { object } = await generateObject({
        model: openai('mock'),
        schema: z.object({ city: z.string(), celsius: z.number() }),
        prompt: 'Weather as JSON',
      });
      assert.equal(typeof object.city, 'string');
      assert.equal(typeof object.celsius, 'number');
    });
  });
});
