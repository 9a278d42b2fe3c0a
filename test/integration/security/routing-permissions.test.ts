/**
 * Authorisation follows the request (#9.2): a key's permissions hold for every deployment
 * that could serve it, whatever brought that deployment in. One case per path by which
 * routing could carry a request to a model or provider the key may not use, each against
 * a real gateway: the model group, an alias, `auto`, content rules, embedding routing, an
 * A/B split, the context-window fallback, the capability filter, the cost ceiling,
 * fallbacks by failure class, hedges, retries across deployments, `/v1/models` and the
 * explain endpoint — with and without the router plugin. `premium` is the model (and
 * provider) the keys may not use; every case checks it never answers.
 */
import assert from 'node:assert/strict';
import { postJson, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

const KEYS = {
  two: 'key-two-0123456789abcdef', // models [echo, flaky]
  smart: 'key-smart-0123456789abcdef', // models [smart, smart2, hedged, tooly, pricey, auto, echo, flaky, slow-echo, costly]
  local: 'key-local-0123456789abcdef', // models [*], providers [local]
  small: 'key-small-0123456789abcdef', // models [small]
  aliasOnly: 'key-alias-0123456789abcdef', // models [smart]: an alias and no model behind it
};

const MODELS = `
models:
  - { name: premium, provider: premium, model: premium-1, capabilities: [chat, stream, tools], pricing: { input_per_1m: 0.01, output_per_1m: 0.01 } }
  - { name: echo, provider: local, model: echo-1, capabilities: [chat, stream], pricing: { input_per_1m: 0.1, output_per_1m: 0.1 } }
  - { name: costly, provider: local, model: costly-1, pricing: { input_per_1m: 1000, output_per_1m: 1000 } }
  - { name: flaky, provider: broken, model: flaky-1, retry: { attempts: 1 } }
  - { name: slow-echo, provider: slow, model: slow-1 }
  - { name: small, provider: local, model: small-1, context_window: 64 }
  - { name: mixed, provider: local, model: mixed-a }
  - { name: mixed, provider: premium, model: mixed-b }
  - { name: structured, provider: claude, model: claude-x }
  - { name: structured, provider: local, model: structured-1 }
`;

const COMMON = `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  local: { type: mock }
  premium: { type: mock }
  slow: { type: mock, options: { latency_ms: 400 } }
  broken: { type: mock, options: { faults: { error_rate: 1, error_status: 503, retry_after_s: 0 } } }
  claude: { type: anthropic, api_key: not-used, base_url: "http://127.0.0.1:9" }
keys:
  - { name: two, key: ${KEYS.two}, models: [echo, flaky] }
  - { name: smart, key: ${KEYS.smart}, models: [smart, smart2, hedged, tooly, pricey, auto, echo, flaky, slow-echo, costly] }
  - { name: local, key: ${KEYS.local}, models: ["*"], providers: [local] }
  - { name: small, key: ${KEYS.small}, models: [small] }
  - { name: alias-only, key: ${KEYS.aliasOnly}, models: [smart] }
${MODELS}`;

const WITH_ROUTER = `${COMMON}
pipeline:
  - use: auth
  - use: router
    config:
      seed: 1
      aliases:
        smart: [premium, echo]
        smart2: [flaky, premium]
        hedged: [slow-echo, premium]
        tooly: [echo, premium]
        pricey: [costly, premium]
      rules: [{ name: maths, model: premium, keywords: [theorem] }]
      embedding: { min_similarity: 0.3, routes: { premium: ["write a sonnet about the ocean waves"] } }
      ab: [{ name: upsell, model: echo, sticky: none, variants: [{ model: premium, weight: 1 }] }]
      cost_ceiling: { max_usd: 0.01 }
      fallbacks: { flaky: { any: [premium] }, small: { context_length_exceeded: [premium] } }
      hedging: { slow-echo: { delay_ms: 20 } }
      hedge_budget: { max_fraction: 1, max_extra_usd_per_min: 100 }
  - use: provider
`;

const WITHOUT_ROUTER = `${COMMON}
pipeline:
  - use: auth
  - use: provider
    config: { routing: { fallbacks: { flaky: { any: [premium] } } } }
`;

const ask = (model: string, content = 'hello', extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content }], ...extra });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Sends the same request `n` times; returns each answer's status and serving provider. */
async function served(gw: TestGateway, key: string, body: unknown, n = 5): Promise<Array<{ status: number; provider: string | null; code?: string }>> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await postJson(`${gw.url}/v1/chat/completions`, body, bearer(key));
    out.push({ status: r.status, provider: r.headers.get('x-gateway-provider'), code: r.json?.error?.code });
  }
  return out;
}

function neverPremium(results: Array<{ provider: string | null }>): void {
  assert.ok(
    results.every((r) => r.provider !== 'premium'),
    `premium served: ${JSON.stringify(results)}`,
  );
}

describe('security: authorisation follows the request through routing (#9.2)', function () {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(WITH_ROUTER);
  });
  after(async () => {
    await gw.stop();
  });

  it('model group: a deployment on a forbidden provider is removed, the group is served by the others', async () => {
    const results = await served(gw, KEYS.local, ask('mixed'), 12);
    neverPremium(results);
    assert.deepEqual(new Set(results.map((r) => `${r.status} ${r.provider}`)), new Set(['200 local']));
  });

  it('alias: a forbidden model behind an allowed alias is removed', async () => {
    const results = await served(gw, KEYS.smart, ask('smart'));
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 200 && r.provider === 'local'));
  });

  it('auto: every model, minus those the key may not use', async () => {
    const results = await served(gw, KEYS.smart, ask('auto'));
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 200));
  });

  it('content rule: a rule naming a forbidden model is ignored', async () => {
    const results = await served(gw, KEYS.smart, ask('auto', 'prove this theorem'));
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 200));
  });

  it('embedding routing: a near example of a forbidden model is ignored', async () => {
    const results = await served(gw, KEYS.smart, ask('auto', 'write a sonnet about the ocean waves please'));
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 200));
  });

  it('A/B split: a forbidden variant is not served (and not reported as the variant)', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await postJson(`${gw.url}/v1/chat/completions`, ask('echo'), bearer(KEYS.two));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-gateway-provider'), 'local');
      assert.equal(r.headers.get('x-gateway-ab-variant'), null);
    }
  });

  it('context-window fallback: a forbidden bigger model is not used; the request is refused as too long', async () => {
    const long = 'many words to overflow a small window '.repeat(20);
    const results = await served(gw, KEYS.small, ask('small', long), 3);
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 400 && r.code === 'context_length_exceeded'));
  });

  it('capability filter: when the permitted model lacks a capability, the forbidden one that has it is not used', async () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const results = await served(gw, KEYS.smart, ask('tooly', 'hi', { tools }), 3);
    neverPremium(results);
    assert.ok(
      results.every((r) => r.status === 400 && r.code === 'unsupported_capability'),
      JSON.stringify(results),
    );
  });

  it('cost ceiling: when the permitted model is over the ceiling, the forbidden cheap one is not used', async () => {
    const results = await served(gw, KEYS.smart, ask('pricey'), 3);
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 503));
  });

  it('fallbacks by failure class: a forbidden fallback target is skipped', async () => {
    const results = await served(gw, KEYS.two, ask('flaky'), 10);
    neverPremium(results);
    // flaky's breaker opens after 5 failures: then it sheds at once.
    assert.ok(
      results.every((r) => r.status === 503 && (r.code === 'upstream_unavailable' || r.code === 'no_healthy_deployment')),
      JSON.stringify(results),
    );
  });

  it('hedges: a forbidden deployment is never launched as a hedge', async () => {
    const results = await served(gw, KEYS.smart, ask('hedged'), 3);
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 200 && r.provider === 'slow'));
  });

  it('retries across deployments: a failure never moves the request to a forbidden one', async () => {
    const results = await served(gw, KEYS.smart, ask('smart2'), 5);
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 503));
  });

  it('no permitted candidate: 403 permission_denied', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, ask('smart'), bearer(KEYS.aliasOnly));
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'permission_denied');
    const g = await postJson(`${gw.url}/v1/chat/completions`, ask('premium'), bearer(KEYS.two));
    assert.equal(g.status, 403);
    assert.equal(g.json.error.code, 'permission_denied');
  });

  it('the route reason says what permissions removed', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, ask('smart'), bearer(KEYS.smart));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('x-gateway-route-reason') ?? '', /^alias:smart; removed:permission=1; /);
  });

  it('/v1/models and /v1/models/{id} show only what the key may call (OpenAI and Anthropic shapes)', async () => {
    const get = async (path: string, extra: Record<string, string> = {}) => {
      const r = await fetch(`${gw.url}${path}`, { headers: { ...bearer(KEYS.two), ...extra } });
      return { status: r.status, json: (await r.json()) as { data?: Array<{ id: string }> } };
    };
    const list = await get('/v1/models');
    assert.deepEqual(list.json.data!.map((m) => m.id).sort(), ['echo', 'flaky']);
    const anthropic = await get('/v1/models', { 'anthropic-version': '2023-06-01' });
    assert.deepEqual(anthropic.json.data!.map((m) => m.id).sort(), ['echo', 'flaky']);
    assert.equal((await get('/v1/models/premium')).status, 404);
    assert.equal((await get('/v1/models/premium', { 'anthropic-version': '2023-06-01' })).status, 404);
    assert.equal((await get('/v1/models/echo')).status, 200);
    // A key limited by provider: a mixed group is listed, owned by its permitted provider.
    const r = await fetch(`${gw.url}/v1/models/mixed`, { headers: bearer(KEYS.local) });
    assert.equal(((await r.json()) as { owned_by: string }).owned_by, 'local');
  });

  it('explain plans for the key named: forbidden candidates are removed, explained as permission', async () => {
    const r = await postJson(`${gw.url}/admin/route/explain`, { body: ask('smart'), principal: { key_id: 'static:smart' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.candidates, ['local/echo-1']);
    assert.deepEqual(
      r.json.removed.map((x: { deployment: string; step: string }) => [x.deployment, x.step]),
      [['premium/premium-1', 'permission']],
    );
    assert.equal(r.json.permissions_from, 'config key');
    const given = await postJson(`${gw.url}/admin/route/explain`, { body: ask('auto'), principal: { permissions: { models: ['auto'] } } });
    assert.equal(given.json.choice, null);
    assert.equal(given.json.error.code, 'permission_denied');
  });

  it('Responses API: the feature check looks at the deployments the key may use', async () => {
    const body = {
      model: 'structured',
      input: 'give me json',
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
    };
    const allowed = await postJson(`${gw.url}/v1/responses`, body, bearer(KEYS.local));
    assert.equal(allowed.status, 200, JSON.stringify(allowed.json));
    assert.equal(allowed.headers.get('x-gateway-provider'), 'local');
  });
});

describe('security: authorisation follows the request without the router plugin (#9.2)', function () {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(WITHOUT_ROUTER);
  });
  after(async () => {
    await gw.stop();
  });

  it("fallbacks from the provider's routing: a forbidden target is skipped (a key allowed [echo, flaky])", async () => {
    const results = await served(gw, KEYS.two, ask('flaky'), 10);
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 503));
  });

  it('model group: dispatch removes a deployment on a forbidden provider', async () => {
    const results = await served(gw, KEYS.local, ask('mixed'), 12);
    neverPremium(results);
    assert.ok(results.every((r) => r.status === 200));
  });
});
