/**
 * One request, one meaning (#9.10). JSON.parse keeps the last of two equal keys; an
 * upstream's parser may keep the first. The gateway authorises and filters what it parsed
 * and forwards the client's bytes to OpenAI-compatible upstreams when no plugin changed
 * the body, so `{"model":"forbidden","model":"allowed"}` would be checked as `allowed`
 * and served as `forbidden`. Every body with a repeated key is refused (400, in the
 * client's dialect, naming the key's path) before any plugin or upstream sees it, on
 * every LLM endpoint; a scripted upstream records the exact bytes it received.
 */
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { scanJsonText } from '../../../src/engine/json-depth.ts';

const KEY = 'sk-dup-keys-test-0000000000000001';

const config = (upstream: string) => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
keys: [ { name: ci, key: "${KEY}", models: [allowed, embed-allowed] } ]
providers: { up: { type: openai, base_url: "${upstream}/v1", api_key: upstream-key } }
models:
  - { name: allowed, provider: up, model: allowed-1, capabilities: [chat, stream] }
  - { name: forbidden, provider: up, model: forbidden-1, capabilities: [chat, stream] }
  - { name: embed-allowed, provider: up, model: embed-allowed-1, capabilities: [embeddings] }
  - { name: embed-forbidden, provider: up, model: embed-forbidden-1, capabilities: [embeddings] }
pipeline:
  - use: auth
  - use: validation
  - use: content-filter
    config: { rules: [ { name: banned, keywords: [forbidden-word], action: block } ] }
  - use: provider
`;

interface Case {
  name: string;
  body: string;
  path: string;
}

const CHAT_MSG = '{"role":"user","content":"hello"}';
const chatCases = (extra = '', label = ''): Case[] => [
  { name: `model${label} (the allowed one last)`, body: `{"model":"forbidden","messages":[${CHAT_MSG}],"model":"allowed"${extra}}`, path: 'model' },
  { name: 'model spelt with an escape', body: `{"model":"forbidden","mod\\u0065l":"allowed","messages":[${CHAT_MSG}]${extra}}`, path: 'model' },
  {
    name: 'messages',
    body: `{"model":"allowed","messages":[{"role":"user","content":"forbidden-word"}],"messages":[${CHAT_MSG}]${extra}}`,
    path: 'messages',
  },
  {
    name: 'nested content',
    body: `{"model":"allowed","messages":[${CHAT_MSG},{"role":"user","content":"forbidden-word","content":"hello"}]${extra}}`,
    path: 'messages[1].content',
  },
  { name: 'nested role', body: `{"model":"allowed","messages":[{"role":"system","role":"user","content":"hello"}]${extra}}`, path: 'messages[0].role' },
];

const ENDPOINTS: Array<{ route: string; dialect: 'openai' | 'anthropic'; ok: string; cases: Case[] }> = [
  {
    route: '/v1/chat/completions',
    dialect: 'openai',
    ok: `{"model":"allowed","messages":[${CHAT_MSG}]}`,
    cases: [...chatCases(), ...chatCases(',"stream":true', ' in a stream request')],
  },
  { route: '/chat/completions', dialect: 'openai', ok: `{"model":"allowed","messages":[${CHAT_MSG}]}`, cases: chatCases() },
  { route: '/v1/messages', dialect: 'anthropic', ok: `{"model":"allowed","max_tokens":16,"messages":[${CHAT_MSG}]}`, cases: chatCases(',"max_tokens":16') },
  {
    route: '/v1/responses',
    dialect: 'openai',
    ok: `{"model":"allowed","store":false,"input":[${CHAT_MSG}]}`,
    cases: [
      { name: 'model', body: `{"model":"forbidden","model":"allowed","store":false,"input":"hello"}`, path: 'model' },
      { name: 'input (its messages)', body: `{"model":"allowed","store":false,"input":"forbidden-word","input":[${CHAT_MSG}]}`, path: 'input' },
      {
        name: 'nested content',
        body: `{"model":"allowed","store":false,"input":[{"role":"user","content":"forbidden-word","content":"hello"}]}`,
        path: 'input[0].content',
      },
      { name: 'nested role', body: `{"model":"allowed","store":false,"input":[{"role":"developer","role":"user","content":"hello"}]}`, path: 'input[0].role' },
    ],
  },
  {
    route: '/v1/embeddings',
    dialect: 'openai',
    ok: '{"model":"embed-allowed","input":["hello"]}',
    cases: [
      { name: 'model', body: '{"model":"embed-forbidden","model":"embed-allowed","input":"hello"}', path: 'model' },
      { name: 'input', body: '{"model":"embed-allowed","input":"forbidden-word","input":"hello"}', path: 'input' },
      { name: 'a nested key of any field', body: '{"model":"embed-allowed","input":["hello"],"metadata":{"role":"a","role":"b"}}', path: 'metadata.role' },
    ],
  },
];

describe('duplicate JSON keys: one request, one meaning (#9.10)', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  let upstream: FakeOpenAI;

  before(async () => {
    upstream = await startFakeOpenAI();
    gw = await startTestGateway(config(upstream.url));
  });
  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  const post = async (route: string, body: string | Blob) => {
    const r = await fetch(`${gw.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01' },
      body,
    });
    return { status: r.status, json: (await r.json()) as any };
  };

  it('the gateway acts on these fields: without a repeat, the forbidden values are refused', async () => {
    // The controls that make the cases below mean something: were the repeat ignored,
    // the value the upstream keeps (the first) would be one of these.
    assert.equal((await post('/v1/chat/completions', `{"model":"forbidden","messages":[${CHAT_MSG}]}`)).status, 403);
    assert.equal(
      (await post('/v1/chat/completions', '{"model":"allowed","messages":[{"role":"user","content":"forbidden-word"}]}')).json.error.code,
      'content_policy_violation',
    );
    assert.equal((await post('/v1/embeddings', '{"model":"embed-forbidden","input":"hello"}')).status, 403);
    assert.equal(upstream.requests.length, 0);
  });

  for (const ep of ENDPOINTS) {
    describe(`POST ${ep.route}`, () => {
      for (const c of ep.cases) {
        it(`refuses a repeated ${c.name}, naming ${c.path}, and forwards nothing`, async () => {
          const before = upstream.requests.length;
          const r = await post(ep.route, c.body);
          assert.equal(r.status, 400, JSON.stringify(r.json));
          if (ep.dialect === 'anthropic') {
            assert.equal(r.json.type, 'error');
            assert.equal(r.json.error.type, 'invalid_request_error');
          } else {
            assert.equal(r.json.error.type, 'invalid_request_error');
            assert.equal(r.json.error.code, 'invalid_request');
            assert.equal(r.json.error.param, c.path);
          }
          assert.match(r.json.error.message, new RegExp(`twice in one object, at ${c.path.replace(/[[\]]/g, '\\$&')};`));
          assert.equal(upstream.requests.length, before, 'nothing reached the upstream');
        });
      }

      it('forwards a body without repeats as one object: the bytes received mean what was checked', async () => {
        const before = upstream.requests.length;
        const r = await post(ep.route, ep.ok);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(upstream.requests.length, before + 1);
        const got = upstream.requests.at(-1)!;
        assert.equal(scanJsonText(got.text), undefined, 'no key repeated in what the upstream read');
        assert.match(String(got.body.model), /^(embed-)?allowed-1$/);
        assert.ok(!got.text.includes('forbidden'));
      });
    });
  }

  it('refuses a body that is not valid UTF-8 (another decoder could read other text)', async () => {
    const before = upstream.requests.length;
    // 0xC1 0xA5 is an overlong `e`: Node decodes it to U+FFFD, a lax decoder to "e".
    const body = Buffer.concat([
      Buffer.from('{"model":"allowed","messages":[{"role":"user","content":"forbidden-wor'),
      Buffer.from([0xc1, 0xa5]),
      Buffer.from('"}]}'),
    ]);
    const r = await post('/v1/chat/completions', new Blob([body]));
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'invalid_json');
    assert.match(r.json.error.message, /UTF-8/);
    assert.equal(upstream.requests.length, before);
  });
});
