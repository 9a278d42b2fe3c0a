import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAdapter, moduleScope } from '../../src/engine/registry.ts';
import type { JsonUpstreamResponse, StreamUpstreamResponse } from '../../src/engine/types.ts';
import {
  startUpstream,
  sendJson,
  startSse,
  sseBody,
  callOpts,
  collect,
  rejection,
  logger,
  type FakeUpstream,
} from '../../test/plugins/provider/helpers/upstream.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('plugins/example-adapter (DeepSeek, OpenAI-compatible)', () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startUpstream();
  });
  after(() => up.close());

  it('loads through loadAdapter as `type: ./plugins/example-adapter`', async () => {
    const def = await loadAdapter('./plugins/example-adapter', moduleScope(repoRoot));
    assert.equal(def.type, 'deepseek');
    assert.equal((def.optionsSchema as any).properties.stream_usage.type, 'boolean');
  });

  it('chats over the OpenAI wire format with a Bearer key, and reports DeepSeek usage', async () => {
    const def = await loadAdapter('./plugins/example-adapter', moduleScope(repoRoot));
    const client = def.create('ds', { type: './plugins/example-adapter', base_url: up.url, api_key: 'sk-ds-1234567890' }, { logger });
    const usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_cache_hit_tokens: 4, prompt_cache_miss_tokens: 6 };
    up.handler = (_q, res) =>
      sendJson(res, 200, {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'deepseek-chat',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
        usage,
      });
    const r = (await client.chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'Hi' }] }, callOpts())) as JsonUpstreamResponse;
    assert.equal(up.requests[0]!.url, '/chat/completions');
    assert.equal(up.requests[0]!.headers.authorization, 'Bearer sk-ds-1234567890');
    assert.deepEqual((r.body as any).usage, usage);

    up.handler = (_q, res) => {
      startSse(res);
      res.end(
        sseBody([
          {
            id: 'x',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'deepseek-chat',
            choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }],
          },
          { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'deepseek-chat', choices: [], usage },
          'data: [DONE]\n\n',
        ]),
      );
    };
    const s = (await client.chat({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: 'Hi' }] }, callOpts())) as StreamUpstreamResponse;
    const events = await collect(s.events);
    assert.deepEqual(up.requests[1]!.json.stream_options, { include_usage: true });
    assert.deepEqual(events.at(-1)!.data.usage, usage);

    up.handler = (_q, res) =>
      sendJson(res, 401, { error: { message: 'Authentication Fails, Your api key: ****7890 is invalid', type: 'authentication_error' } });
    const e = await rejection(client.chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'Hi' }] }, callOpts()));
    assert.equal(e.code, 'GW_ERR_PROVIDER_AUTH');
    assert.ok(!e.message.includes('7890'));
    await client.close();
  });
});
