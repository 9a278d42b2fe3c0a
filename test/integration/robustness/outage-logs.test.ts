/**
 * While Redis is away, the plugins that use it on every request (rate-limit, budget,
 * semantic-cache) keep answering and log the outage at a bounded rate: one line each
 * when it starts, one when it ends, never a line per request. (The periodic summary is
 * tested with a clock in test/engine/log-limit.test.ts.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { deleteRedisPrefix } from '../../helpers/redis.ts';
import { relay } from '../../helpers/redis-relay.ts';

const KEY = 'sk-robustness-outage-00000000000001';
const REQUESTS = 200;

const config = (url: string, prefix: string) => `version: 1
stores: { state: { type: redis, url: "${url}", prefix: "${prefix}" }, db: { type: memory } }
keys: [ { name: ci, key: "${KEY}" } ]
providers: { local: { type: mock } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt, pricing: { input_per_1m: 1, output_per_1m: 1 } } ]
pipeline:
  - use: metrics
  - use: auth
  - use: rate-limit
    config: { limits: [ { per: key, rpm: 1000000 } ] }
  - use: budget
    config: { budgets: [ { per: key, limit: 1000, period: monthly } ] }
  - use: semantic-cache
  - use: provider
`;

const STORES = ['rate-limit store', 'budget store', 'semantic-cache store'];

describe('store outage logs are rate-limited', function () {
  this.timeout(30_000);
  let gw: TestGateway;
  const prefix = `test:outage-logs:${randomBytes(4).toString('hex')}:`;
  after(async () => {
    await gw?.stop();
    await deleteRedisPrefix(prefix);
  });

  const ask = (i: number) =>
    postJson(
      `${gw.url}/v1/chat/completions`,
      { model: 'mock-gpt', messages: [{ role: 'user', content: `question ${i}` }] },
      { authorization: `Bearer ${KEY}` },
    );
  const linesOf = (text: string, from = 0) => gw.logs.slice(from).filter((l) => l.includes(text));

  it(`${REQUESTS} requests while Redis is down: one line per store when it goes, one when it is back`, async () => {
    let r = await relay();
    gw = await startTestGateway(config(r.url, prefix), { captureLogs: true });
    assert.equal((await ask(0)).status, 200);
    await r.cut();
    const before = gw.logs.length;
    for (let i = 1; i <= REQUESTS; i++) assert.equal((await ask(i)).status, 200, 'fail open: the request is served');
    // Let onDone (budget spend) of the last requests run.
    await new Promise((res) => setTimeout(res, 100));
    const during = gw.logs.slice(before);
    for (const store of STORES) assert.equal(linesOf(`"msg":"${store} unreachable`, before).length, 1, `${store}: ${during.length} lines`);
    assert.ok(during.length <= 10, `${during.length} log lines for ${REQUESTS} requests`);

    r = await relay(r.port);
    try {
      const end = Date.now() + 10_000;
      let i = REQUESTS;
      while (STORES.some((s) => linesOf(`"msg":"${s} reachable again"`).length === 0) && Date.now() < end) {
        await ask(++i);
        await new Promise((res) => setTimeout(res, 50));
      }
      for (const store of STORES) {
        const back = linesOf(`"msg":"${store} reachable again"`);
        assert.equal(back.length, 1, store);
        assert.ok((JSON.parse(back[0]!) as { failures_total: number }).failures_total >= REQUESTS, back[0]);
      }
    } finally {
      await gw.stop();
      await r.cut();
    }
  });
});
