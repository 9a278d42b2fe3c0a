import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

const config = (extraModel = '', bucket = '0.5') => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock, options: { chunk_delay_ms: 20 } } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt }
${extraModel}
pipeline:
  - use: metrics
    config: { latency_buckets: [${bucket}, 5] }
  - use: validation
  - use: provider
`;

async function streamOnce(url: string): Promise<void> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-gpt', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] }),
  });
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  const text = await r.text();
  if (!text.trimEnd().endsWith('data: [DONE]')) throw new Error(`stream did not finish: ${text.slice(-200)}`);
}

async function modelIds(url: string): Promise<string[]> {
  const r = await fetch(`${url}/v1/models`);
  return ((await r.json()) as { data: { id: string }[] }).data.map((m) => m.id);
}

describe('hot reload under load', function () {
  this.timeout(30_000);
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(config(), { watch: true });
  });
  after(async () => {
    await gw.stop();
  });

  it('edits while 50 clients stream: zero failed requests, the change visible within 1 s, a bad edit rejected with its line', async () => {
    let stop = false;
    const failures: string[] = [];
    let completed = 0;
    const client = async () => {
      while (!stop) {
        try {
          await streamOnce(gw.url);
          completed++;
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    const clients = Array.from({ length: 50 }, client);
    await new Promise((r) => setTimeout(r, 500));

    // 1. Add a model and change a plugin's config.
    const gen0 = gw.runtime.status().generation;
    const t0 = Date.now();
    await gw.writeConfig(config('  - { name: mock-new, provider: local, model: mock-new }', '0.25'));
    while (!(await modelIds(gw.url)).includes('mock-new')) {
      assert.ok(Date.now() - t0 < 1000, 'the new model did not appear within 1 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const visibleAfter = Date.now() - t0;
    assert.equal(gw.runtime.status().generation, gen0 + 1);
    await new Promise((r) => setTimeout(r, 500));

    // 2. An invalid edit: the old config keeps serving; the status names the line.
    await gw.writeConfig(config('  - { name: broken, provider: nowhere, model: x }'));
    const t1 = Date.now();
    while (gw.runtime.status().status !== 'failed') {
      assert.ok(Date.now() - t1 < 2000, 'the bad edit was not reported');
      await new Promise((r) => setTimeout(r, 20));
    }
    const status = (await (await fetch(`${gw.url}/admin/config/status`)).json()) as { status: string; error: string; generation: number };
    assert.equal(status.status, 'failed');
    assert.match(status.error, /gateway\.yaml:6:\d+ models\[1\]\.provider/);
    assert.equal(status.generation, gen0 + 1);
    assert.deepEqual((await modelIds(gw.url)).sort(), ['mock-gpt', 'mock-new']);
    await new Promise((r) => setTimeout(r, 500));

    stop = true;
    await Promise.all(clients);
    assert.deepEqual(failures, []);
    assert.ok(completed > 100, `only ${completed} streams completed`);
    assert.ok(visibleAfter < 1000);
  });

  it('SIGHUP-style reload of an unchanged file keeps the generation', async () => {
    const before = gw.runtime.status();
    await gw.writeConfig(config('  - { name: mock-new, provider: local, model: mock-new }', '0.25'));
    const r = await gw.runtime.reload();
    assert.equal(r.ok, true);
    assert.equal(gw.runtime.status().generation, before.generation);
  });
});
