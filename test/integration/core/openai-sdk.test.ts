import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';

describe('the official openai SDK through the gateway to an openai-type provider', () => {
  let upstream: FakeOpenAI;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeOpenAI({ reply: 'Hello from the fake upstream' });
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  up: { type: openai, base_url: "${upstream.url}/v1", api_key: "sk-upstream-secret", headers: { x-extra: "yes" } }
models:
  - { name: gpt-4o-mini, provider: up, model: up-model, pricing: { input_per_1m: 0.15, output_per_1m: 0.6 } }
  - { name: embed-small, provider: up, model: up-embed, capabilities: [embeddings] }
pipeline: [ { use: metrics }, { use: validation }, { use: provider } ]
`);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('chat, not streamed: the upstream model id, the provider key and extra headers are sent', async () => {
    upstream.requests.length = 0;
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.choices[0]!.message.content, 'Hello from the fake upstream');
    assert.equal(r.usage?.completion_tokens, 5);
    const sent = upstream.requests[0]!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.body.model, 'up-model');
    assert.equal(sent.headers.authorization, 'Bearer sk-upstream-secret');
    assert.equal(sent.headers['x-extra'], 'yes');
  });

  it('chat, streamed: every token arrives, in order, and usage only when asked', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    assert.equal(text, 'Hello from the fake upstream');
    assert.equal(sawUsage, false, 'usage chunk must be dropped when the client did not ask for it');

    const withUsage = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage;
    assert.deepEqual({ p: usage?.prompt_tokens, c: usage?.completion_tokens }, { p: 11, c: 5 });
  });

  it('usage of every stream is recorded, asked for or not', async () => {
    const before = await tokenCount(gw.url);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _ of stream) {
      /* drain */
    }
    await new Promise((r) => setTimeout(r, 50));
    const after = await tokenCount(gw.url);
    assert.equal(after - before, 5);
  });

  it('embeddings', async () => {
    const r = await client.embeddings.create({ model: 'embed-small', input: ['abc', 'hello'] });
    assert.equal(r.data.length, 2);
    assert.deepEqual(r.data[1]!.embedding, [5, 0.5, -0.25]);
    assert.equal(upstream.requests.at(-1)!.body.model, 'up-embed');
  });

  it('models, from models:', async () => {
    const list = await client.models.list();
    assert.deepEqual(list.data.map((m) => m.id).sort(), ['embed-small', 'gpt-4o-mini']);
    const one = await client.models.retrieve('gpt-4o-mini');
    assert.equal(one.owned_by, 'up');
  });

  it('an upstream failure becomes a coded error the SDK understands, without the provider key', async () => {
    upstream.behave.status = 503;
    try {
      await assert.rejects(
        client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
        (err: InstanceType<typeof OpenAI.APIError>) => {
          assert.ok(err.status === 503 || err.status === 502, `status ${err.status}`);
          assert.ok(!JSON.stringify(err.error).includes('sk-upstream-secret'));
          return true;
        },
      );
    } finally {
      upstream.behave.status = undefined;
    }
  });
});

async function tokenCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /gateway_tokens_total\{model="gpt-4o-mini",provider="up",type="completion"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}
