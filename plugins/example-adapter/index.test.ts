/**
 * The example adapter through a real gateway (llm-gateway/testing): DeepSeek's wire format
 * is OpenAI's, so the scripted upstream stands in for it.
 */
import assert from 'node:assert/strict';
import { startPluginHarness, type PluginHarness } from 'llm-gateway/testing';
import deepseek from './index.ts';

const usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_cache_hit_tokens: 4, prompt_cache_miss_tokens: 6 };
const completion = (content: string) => ({
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'deepseek-chat',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage,
});
const chunk = (delta: object, finish: string | null) => ({
  id: 'x',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'deepseek-chat',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const models = [{ name: 'deepseek-chat', provider: 'upstream', model: 'deepseek-chat' }];

describe('plugins/example-adapter (DeepSeek, OpenAI-compatible)', () => {
  let h: PluginHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('chats over the OpenAI wire format with a Bearer key, and passes DeepSeek usage on', async () => {
    h = await startPluginHarness({ adapter: deepseek, models, provider: { api_key: 'sk-ds-1234567890' }, upstream: [{ json: completion('Hi') }] });
    const r = await h.chat({ model: 'deepseek-chat' });
    assert.equal(r.status, 200);
    assert.equal(r.body.choices?.[0]?.message.content, 'Hi');
    assert.deepEqual(r.body.usage, usage);
    const sent = h.upstream.requests[0]!;
    assert.equal(sent.path, '/v1/chat/completions', 'chat at /chat/completions under base_url');
    assert.equal(sent.headers.authorization, 'Bearer sk-ds-1234567890');
    assert.equal(sent.body?.model, 'deepseek-chat');
  });

  it('asks streams for a usage chunk unless options.stream_usage is false', async () => {
    const stream = { sse: [chunk({ role: 'assistant', content: 'Hi' }, null), chunk({}, 'stop'), { ...chunk({}, null), choices: [], usage }] };
    h = await startPluginHarness({ adapter: deepseek, models, upstream: [stream, stream] });
    const s = await h.stream({ model: 'deepseek-chat', stream_options: { include_usage: true } });
    assert.equal(s.content, 'Hi');
    assert.ok(s.done);
    assert.deepEqual(s.events.at(-1)!.usage, usage);
    await h.stream({ model: 'deepseek-chat' });
    assert.deepEqual(h.upstream.requests[1]!.body?.stream_options, { include_usage: true }, 'added for the gateway’s own accounting');
    await h.close();

    h = await startPluginHarness({ adapter: deepseek, models, provider: { options: { stream_usage: false } }, upstream: [stream] });
    await h.stream({ model: 'deepseek-chat' });
    assert.equal(h.upstream.requests[0]!.body?.stream_options, undefined);
  });

  it("maps DeepSeek's 401 to the gateway's provider-auth error without echoing the key", async () => {
    const refusal = { status: 401, error: { message: 'Authentication Fails, Your api key: ****7890 is invalid', type: 'authentication_error' } };
    h = await startPluginHarness({ adapter: deepseek, models, provider: { api_key: 'sk-ds-1234567890' }, upstream: [refusal] });
    const r = await h.chat({ model: 'deepseek-chat' });
    assert.equal(r.status, 502);
    assert.equal(r.body.error?.code, 'provider_authentication_error');
    assert.ok(!r.text.includes('7890'), r.text);
  });

  it('options are checked against its schema when the config loads', async () => {
    await assert.rejects(
      startPluginHarness({ adapter: deepseek, models, provider: { options: { stream_usage: 'yes' } } }),
      /providers\.upstream\.options\.stream_usage: must be boolean/,
    );
  });
});
