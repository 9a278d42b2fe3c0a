/**
 * /v1/responses through every built-in plugin, as chat goes: auth, validation, limits,
 * the content filter (block and redact, stored responses included), the cache (a hit is
 * a Response of its own that can be continued), the router's alias, usage and cost.
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { assertSpec, parseResponseEvents } from './spec.ts';

const KEY = 'sk-responses-pipeline-00000000001';
const LIMITED = 'sk-responses-limited-000000000002';

const CONFIG = `version: 1
stores: { state: { type: memory }, db: { type: memory } }
keys:
  - { name: ci, key: "${KEY}" }
  - { name: limited, key: "${LIMITED}", limits: { rpm: 2 } }
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, pricing: { input_per_1m: 1, output_per_1m: 2 }, capabilities: [chat, stream] }
pipeline:
  - use: metrics
  - use: auth
  - use: validation
  - use: rate-limit
    config: { limits: [ { per: key, rpm: 1000 } ] }
  - use: content-filter
    config:
      rules:
        - { name: secrets, pii: [secret], action: block }
        - { name: emails, pii: [email], action: redact, direction: both }
  - use: semantic-cache
  - use: router
    config: { aliases: { auto: [mock-gpt] } }
  - use: audit
  - use: provider
`;

describe('/v1/responses through the whole pipeline', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  const auth = { authorization: `Bearer ${KEY}` };
  const create = (body: Record<string, unknown>, headers: Record<string, string> = auth) =>
    postJson(`${gw.url}/v1/responses`, { model: 'auto', ...body }, headers);

  before(async () => {
    gw = await startTestGateway(CONFIG, { captureLogs: true });
  });
  after(async () => {
    await gw.stop();
  });

  it('answers, then answers from the cache with a Response of its own that can be continued', async () => {
    const first = await create({ input: 'What is the capital of France?' });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-gateway-cache'), 'miss');
    assert.ok(first.headers.get('x-ratelimit-remaining-requests'));
    const hit = await create({ input: 'What is the capital of France?' });
    assert.equal(hit.headers.get('x-gateway-cache'), 'hit');
    assertSpec('Response', hit.json);
    assert.notEqual(hit.json.id, first.json.id);
    assert.equal(hit.json.output_text, first.json.output_text);
    const next = await create({ input: 'And of Spain?', previous_response_id: hit.json.id });
    assert.equal(next.status, 200, JSON.stringify(next.json));
    assert.equal(next.headers.get('x-gateway-cache'), 'miss', 'the history is part of the cache key');
    assert.equal(next.json.output_text, 'Mock reply to: And of Spain?');
    // The mock counts the words of every message: the first question and answer went too.
    assert.equal(next.json.usage.input_tokens, 6 + 9 + 3);
  });

  it('refuses a prompt holding a secret, and a request without a key', async () => {
    const blocked = await create({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'my key is sk-proj-abcdefghijklmnopqrstuvwxyz012345' }] }] });
    assert.equal(blocked.status, 400);
    assertSpec('ErrorResponse', blocked.json);
    assert.equal(blocked.json.error.code, 'content_policy_violation');
    assert.equal(blocked.json.error.param, 'input', 'the canonical messages[…] param is named in the Responses spelling');
    assert.ok(!JSON.stringify(blocked.json).includes('sk-proj-'));
    const anonymous = await create({ input: 'hi' }, {});
    assert.equal(anonymous.status, 401);
    assertSpec('ErrorResponse', anonymous.json);
  });

  it('redacts before the provider, and the stored response holds only the redacted text', async () => {
    const r = await create({ input: 'write to jane.doe@example.com please' });
    assert.equal(r.json.output_text, 'Mock reply to: write to [REDACTED:emails] please');
    const stored = await fetch(`${gw.url}/v1/responses/${r.json.id}`, { headers: auth });
    assert.ok(!(await stored.text()).includes('jane.doe'));
    const s = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ model: 'auto', stream: true, input: 'mail jane.doe@example.com now' }),
    });
    const events = parseResponseEvents(await s.text());
    assert.equal(events.at(-1)!.response.output_text, 'Mock reply to: mail [REDACTED:emails] now');
  });

  it('rate limits per key, in the Responses error shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await create({ input: `limited ${i}` }, { authorization: `Bearer ${LIMITED}` })).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const r = await create({ input: 'limited again' }, { authorization: `Bearer ${LIMITED}` });
    assert.equal(r.json.error.code, 'rate_limit_exceeded');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  });

  it('records usage and cost per request, and metrics under route "responses"', async () => {
    type Row = { group: string | null; requests: number; cost: number };
    let rows: Row[] = [];
    for (let i = 0; i < 50 && (rows.find((r) => r.group === 'mock-gpt')?.requests ?? 0) < 5; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = ((await (await fetch(`${gw.url}/admin/usage?group_by=model`)).json()) as { data: Row[] }).data;
    }
    const answered = rows.find((r) => r.group === 'mock-gpt');
    assert.ok(answered && answered.requests >= 5, JSON.stringify(rows));
    assert.ok(answered.cost > 0);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /gateway_requests_total\{route="responses",model="mock-gpt",provider="local",status="200"\} [1-9]/);
    const logs = gw.logs.join('');
    for (const secret of [KEY, 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'jane.doe@example.com']) assert.ok(!logs.includes(secret), `logs hold ${secret}`);
  });
});
