/**
 * The routing promises of #10.8, kept end to end through a real gateway (each case
 * failed before its fix):
 * - a prompt too long for a model is answered by its `context_length_exceeded` fallback
 *   (the README's own example), not refused with 400;
 * - `max_attempts: 2` bounds the upstream calls of a request whose group has three
 *   failing deployments and a good one (it used to make 5);
 * - an explicit content rule that matched wins over a weak embedding match.
 */
import assert from 'node:assert/strict';
import { postJson, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

const CONFIG = `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  local: { type: mock }
  down1: { type: mock, options: { faults: { error_rate: 1, error_status: 503, retry_after_s: 0 } } }
  down2: { type: mock, options: { faults: { error_rate: 1, error_status: 503, retry_after_s: 0 } } }
  down3: { type: mock, options: { faults: { error_rate: 1, error_status: 503, retry_after_s: 0 } } }
models:
  - { name: gpt-4o, provider: local, model: gpt-4o, context_window: 100 }
  - { name: gpt-4.1, provider: local, model: gpt-4.1, context_window: 1000000 }
  - { name: maths, provider: local, model: maths-1 }
  - { name: chatty, provider: local, model: chatty-1 }
  - { name: wobbly, provider: down1, model: w1, pricing: { input_per_1m: 0, output_per_1m: 0 }, retry: { attempts: 1 } }
  - { name: wobbly, provider: down2, model: w2, pricing: { input_per_1m: 0, output_per_1m: 0 }, retry: { attempts: 1 } }
  - { name: wobbly, provider: down3, model: w3, pricing: { input_per_1m: 0, output_per_1m: 0 }, retry: { attempts: 1 } }
  - { name: wobbly, provider: local, model: w-good, pricing: { input_per_1m: 5, output_per_1m: 5 } }
pipeline:
  - use: metrics
  - use: router
    config:
      aliases: { auto: [chatty, maths] }
      groups: { wobbly: { strategy: cost } }
      rules: [{ name: maths, model: maths, regex: "\\\\b(prove|integral|theorem)\\\\b" }]
      embedding:
        min_similarity: 0.3
        routes: { chatty: ["prove me wrong about this movie", "is this theory of yours any good"] }
      fallbacks:
        gpt-4o: { context_length_exceeded: [gpt-4.1], any: [chatty] }
      max_attempts: 2
  - use: provider
`;

describe('router: routing promises kept (#10.8)', function () {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(CONFIG);
  });
  after(async () => {
    await gw.stop();
  });

  it('a chat too long for gpt-4o is answered by its context_length_exceeded fallback, gpt-4.1', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o', messages: [{ role: 'user', content: 'word '.repeat(200) }] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.headers.get('x-gateway-model'), 'gpt-4.1');
    assert.match(r.headers.get('x-gateway-route-reason') ?? '', /context_window:fallback\(gpt-4o->gpt-4\.1\)/);
    // A prompt that fits stays on gpt-4o.
    const short = await postJson(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 });
    assert.equal(short.headers.get('x-gateway-model'), 'gpt-4o');
  });

  it('max_attempts: 2 bounds the upstream calls when three deployments fail before the good one', async () => {
    const before = await attemptsCounted(gw);
    const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'wobbly', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'upstream_unavailable');
    assert.equal((await attemptsCounted(gw)) - before, 2);
  });

  it('an explicit rule that matched wins over a weak embedding match', async () => {
    const body = { model: 'auto', messages: [{ role: 'user', content: 'prove this theorem' }] };
    const explained = await postJson(`${gw.url}/admin/route/explain`, { body });
    const embedding = (explained.json.steps as Array<{ step: string; outcome: string }>).find((s) => s.step === 'embedding');
    assert.deepEqual(embedding, { step: 'embedding', outcome: 'skipped: rules chose maths' });
    const r = await postJson(`${gw.url}/v1/chat/completions`, body);
    assert.equal(r.headers.get('x-gateway-model'), 'maths');
    assert.match(r.headers.get('x-gateway-route-reason') ?? '', /^alias:auto; rules:maths->maths; strategy:weighted$/);
  });
});

/** gateway_upstream_attempts_total, summed over deployments and outcomes. */
async function attemptsCounted(gw: TestGateway): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^gateway_upstream_attempts_total\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}
