import assert from 'node:assert/strict';
import { startTestGateway, mockConfig, postJson, type TestGateway } from '../../helpers/gateway.ts';

describe('the mock provider (offline default)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(mockConfig());
  });
  after(async () => {
    await gw.stop();
  });

  it('answers deterministically with usage', async () => {
    const a = await postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-gpt', messages: [{ role: 'user', content: 'ping pong' }] });
    const b = await postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-gpt', messages: [{ role: 'user', content: 'ping pong' }] });
    assert.equal(a.json.choices[0].message.content, 'Mock reply to: ping pong');
    assert.equal(a.json.id, b.json.id);
    assert.deepEqual(a.json.usage, { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  });

  it('streams, and records usage for every stream even when the client did not ask', async () => {
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-gpt', stream: true, messages: [{ role: 'user', content: 'a b c' }] }),
    });
    const text = await r.text();
    assert.ok(!text.includes('"usage"'), 'no usage chunk for a client that did not ask');
    const content = text
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '')
      .join('');
    assert.equal(content, 'Mock reply to: a b c');
    await new Promise((res) => setTimeout(res, 30));
    const m = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(m, /gateway_tokens_total\{model="mock-gpt",provider="local",type="completion"\} \d+/);
    const cost = /gateway_cost_usd_total\{model="mock-gpt",provider="local"\} ([\d.e-]+)/.exec(m);
    assert.ok(cost && Number(cost[1]) > 0);
  });

  it('embeddings: same text, same vector', async () => {
    const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-embed', input: ['x', 'x', 'y'] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data[0].embedding, r.json.data[1].embedding);
    assert.notDeepEqual(r.json.data[0].embedding, r.json.data[2].embedding);
  });
});
