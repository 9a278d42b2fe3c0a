/**
 * The transform plugin through a real gateway: every operation observed where it lands
 * (the request the fake OpenAI upstream received, the response the client got).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';

const RULES = `
      - name: cap-gpt
        models: ['gpt-4*']
        clamp: { max_tokens: { max: 1024 }, temperature: { min: 0.2, max: 1 } }
        default: { top_p: 0.9, metadata.team: search }
        set: { user: platform, metadata.source: gateway }
        remove: [logit_bias, tools.*.function.strict]
      - name: house-style
        models: ['gpt-4o']
        endpoints: [chat, messages]
        system_prompt: { prepend: 'Answer in English.' }
        response_headers: { set: { X-Team: search }, remove: [x-gateway-route-reason] }
        response_body: { remove: [created, choices.*.logprobs] }
      - name: legacy
        rename_model: { gpt-3.5-turbo: gpt-4o-mini }
      - name: embed-dims
        endpoints: [embeddings]
        default: { dimensions: 256 }
        response_body: { remove: [usage] }`;

function configFor(up: FakeOpenAI): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  up: { type: openai, base_url: "${up.url}/v1", api_key: "k", retry: { attempts: 1 } }
models:
  - { name: gpt-4o, provider: up, model: up-4o, capabilities: [chat, stream, tools] }
  - { name: gpt-4o-mini, provider: up, model: up-mini, capabilities: [chat, stream, tools] }
  - { name: other, provider: up, model: up-other, capabilities: [chat, stream, tools] }
  - { name: embed, provider: up, model: up-embed, capabilities: [embeddings] }
pipeline:
  - use: transform
    config:
      rules:${RULES}
  - use: router
  - use: provider
`;
}

const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('plugins/transform (through the gateway)', () => {
  let up: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    up = await startFakeOpenAI();
    gw = await startTestGateway(configFor(up));
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });
  const sent = () => up.requests.at(-1)!.body;

  it('clamps, defaults, sets and removes request fields upstream', async () => {
    const tools = [{ type: 'function', function: { name: 'f', strict: true, parameters: { type: 'object' } } }];
    const r = await postJson(
      `${gw.url}/v1/chat/completions`,
      chat('gpt-4o-mini', { max_tokens: 5000, temperature: 0, logit_bias: { 1: 2 }, user: 'client', tools }),
    );
    assert.equal(r.status, 200);
    const b = sent();
    assert.equal(b.max_tokens, 1024);
    assert.equal(b.temperature, 0.2);
    assert.equal(b.top_p, 0.9);
    assert.equal(b.user, 'platform');
    assert.deepEqual(b.metadata, { team: 'search', source: 'gateway' });
    assert.equal('logit_bias' in b, false);
    assert.deepEqual(b.tools, [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }]);
    assert.equal(b.model, 'up-mini');
  });

  it('leaves values inside the bounds and fields the client set (default) alone', async () => {
    await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-4o-mini', { max_tokens: 100, temperature: 0.5, top_p: 0.3, metadata: { team: 'ads' } }));
    const b = sent();
    assert.equal(b.max_tokens, 100);
    assert.equal(b.temperature, 0.5);
    assert.equal(b.top_p, 0.3);
    assert.deepEqual(b.metadata, { team: 'ads', source: 'gateway' });
  });

  it('scopes rules by model: a model outside every glob reaches the upstream as sent', async () => {
    const req = chat('other', { max_tokens: 5000, logit_bias: { 1: 2 } });
    await postJson(`${gw.url}/v1/chat/completions`, req);
    assert.deepEqual(sent(), { ...req, model: 'up-other' });
  });

  it('prepends to the system prompt, or adds one, for its model only', async () => {
    await postJson(`${gw.url}/v1/chat/completions`, {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.deepEqual(sent().messages, [
      { role: 'system', content: 'Answer in English.\n\nBe brief.' },
      { role: 'user', content: 'hi' },
    ]);
    await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-4o'));
    assert.deepEqual(sent().messages, [
      { role: 'system', content: 'Answer in English.' },
      { role: 'user', content: 'hi' },
    ]);
    await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-4o-mini'));
    assert.deepEqual(sent().messages, [{ role: 'user', content: 'hi' }]);
  });

  it('edits the system prompt of /v1/messages requests (canonical body)', async () => {
    const r = await postJson(`${gw.url}/v1/messages`, { model: 'gpt-4o', max_tokens: 50, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.status, 200);
    assert.equal(r.json.type, 'message');
    assert.deepEqual(sent().messages, [
      { role: 'system', content: 'Answer in English.\n\nBe brief.' },
      { role: 'user', content: 'hi' },
    ]);
    assert.equal(r.headers.get('x-team'), 'search');
  });

  it('renames a client model to a configured one before routing', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-3.5-turbo'));
    assert.equal(r.status, 200);
    assert.equal(sent().model, 'up-mini');
    // The rules scoped to the client's name (gpt-3.5-turbo) did not match: no clamp defaults.
    assert.equal('top_p' in sent(), false);
  });

  it('sets and removes response headers, and removes response body fields', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-4o'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-team'), 'search');
    assert.equal(r.headers.get('x-gateway-route-reason'), null);
    assert.equal('created' in r.json, false);
    assert.deepEqual(r.json.choices[0], { index: 0, message: { role: 'assistant', content: 'Hello from the fake upstream' }, finish_reason: 'stop' });
    assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(JSON.stringify(r.json))));
    // Another model: the upstream's bytes as they came, route header included.
    const o = await postJson(`${gw.url}/v1/chat/completions`, chat('other'));
    assert.equal(typeof o.json.created, 'number');
    assert.equal(o.json.choices[0].logprobs, null);
    assert.equal(o.headers.get('x-team'), null);
    assert.ok(o.headers.get('x-gateway-route-reason'));
  });

  it('applies its headers to errors after it ran (upstream failure)', async () => {
    up.behave.status = 500;
    try {
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-4o'));
      assert.ok(r.status >= 500, `status ${r.status}`);
      assert.equal(r.headers.get('x-team'), 'search');
      assert.ok(r.json.error);
    } finally {
      delete up.behave.status;
    }
  });

  it('scopes rules by endpoint: embeddings get their own rule, not chat fields', async () => {
    const r = await postJson(`${gw.url}/v1/embeddings`, { model: 'embed', input: 'hello' });
    assert.equal(r.status, 200);
    assert.deepEqual(sent(), { model: 'up-embed', input: 'hello', dimensions: 256 });
    assert.equal('usage' in r.json, false);
    assert.equal(r.json.data.length, 1);
    const c = await postJson(`${gw.url}/v1/chat/completions`, chat('other'));
    assert.equal('dimensions' in sent(), false);
    assert.ok(c.json.usage);
  });

  it('streams with request transforms applied', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, resolve);
      req.on('error', reject);
      req.end(JSON.stringify(chat('gpt-4o', { stream: true, max_tokens: 9999 })));
    });
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.headers['x-team'], 'search');
    let text = '';
    for await (const c of res) text += c;
    const content = text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '')
      .join('');
    assert.equal(content, 'Hello from the fake upstream');
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));
    const b = sent();
    assert.equal(b.stream, true);
    assert.equal(b.max_tokens, 1024);
    assert.deepEqual((b.messages as unknown[])[0], { role: 'system', content: 'Answer in English.' });
  });

  it('counts the requests each rule matched', async () => {
    const read = async () => {
      const m = await (await fetch(`${gw.url}/metrics`)).text();
      const count = (rule: string) =>
        Number(new RegExp(`gateway_transform_rules_matched_total\\{plugin="transform",rule="${rule}"\\} (\\d+)`).exec(m)?.[1] ?? 0);
      return { cap: count('cap-gpt'), house: count('house-style'), legacy: count('legacy'), embed: count('embed-dims') };
    };
    const before = await read();
    await postJson(`${gw.url}/v1/chat/completions`, chat('gpt-4o'));
    const after = await read();
    assert.deepEqual(after, { cap: before.cap + 1, house: before.house + 1, legacy: before.legacy + 1, embed: before.embed });
  });
});
