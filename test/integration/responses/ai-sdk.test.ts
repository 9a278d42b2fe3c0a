/**
 * The Vercel AI SDK's default `openai(model)` (the Responses API) sends a follow-up turn's
 * earlier answer back as an `item_reference` to the stored response: the gateway must
 * resolve it, for any provider. (Chat, streams, tools and structured output through this
 * SDK are cells of the client matrix, test/integration/clients/.)
 */
import assert from 'node:assert/strict';
import { generateText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { allProvidersConfig, REPLY, startScriptedUpstream } from './upstream.ts';

describe('Vercel AI SDK openai(model) → /v1/responses: item_reference', () => {
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

  for (const model of ['gpt', 'claude'] as const) {
    it(`${model}: a follow-up turn refers to the stored answer with an item_reference`, async () => {
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
  }
});
