/**
 * A gateway whose state store is a Sentinel-managed master keeps limiting through a
 * `SENTINEL FAILOVER`: requests during the switch fail closed (503) or open (admitted
 * without a limit) as configured, for a bounded moment, and limiting resumes on the new
 * master with the counts replicated to it.
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import { startRedisSentinel, type RedisSentinelSet } from '../../helpers/redis-servers.ts';
import { runMany } from './replicas.ts';

const LIMIT = 300;

const config = (set: RedisSentinelSet, mode: 'open' | 'closed') => `version: 1
stores:
  state: { type: redis, sentinel: { name: ${set.name}, nodes: [${set.sentinels.map((s) => `"${s}"`).join(', ')}] }, prefix: "test:sentinel:" }
  db: { type: memory }
providers: { local: { type: mock } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline:
  - use: metrics
  - use: rate-limit
    config: { on_store_error: ${mode}, limits: [ { per: ip, rpm: ${LIMIT} } ] }
  - use: provider
`;

interface Outcome {
  at: number;
  status: number;
  /** The limiter answered (failing open sends no x-ratelimit headers). */
  limited: boolean;
}

async function ask(gw: TestGateway, t0: number): Promise<Outcome> {
  const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] });
  return { at: Date.now() - t0, status: r.status, limited: r.headers.get('x-ratelimit-limit-requests') === String(LIMIT) };
}

describe('rate limits on a Sentinel-managed Redis through SENTINEL FAILOVER', function () {
  this.timeout(60_000);
  for (const mode of ['closed', 'open'] as const) {
    it(`fails ${mode} for a moment during the switch, then limits on the new master`, async () => {
      const set = await startRedisSentinel(2);
      const gw = await startTestGateway(config(set, mode));
      try {
        const before = await runMany(100, 4, () => ask(gw, 0));
        assert.ok(
          before.every((o) => o.status === 200 && o.limited),
          'all admitted by the limiter before the failover',
        );

        // Steady traffic while the master changes.
        const t0 = Date.now();
        const during: Outcome[] = [];
        let running = true;
        const load = Promise.all(
          Array.from({ length: 2 }, async () => {
            while (running) {
              during.push(await ask(gw, t0));
              await new Promise((r) => setTimeout(r, 5));
            }
          }),
        );
        const { from, to } = await set.failover();
        const switched = Date.now() - t0;
        await new Promise((r) => setTimeout(r, 1500));
        running = false;
        await load;

        const failed = during.filter((o) => !o.limited);
        if (mode === 'closed') assert.ok(failed.every((o) => o.status === 503));
        else assert.ok(failed.every((o) => o.status === 200));
        const firstFail = failed[0]?.at ?? switched;
        const lastFail = failed.at(-1)?.at ?? switched;
        const back = during.find((o) => o.at > lastFail && o.limited)?.at;
        console.log(
          `      ${mode}: master ${from} → ${to}, Sentinel switched after ${switched} ms; ${failed.length} of ${during.length} requests ` +
            `unlimited (${mode === 'closed' ? '503' : 'admitted'}) between ${firstFail} and ${lastFail} ms; limiting again at ${back} ms`,
        );
        assert.ok(lastFail - firstFail < 5000, 'the switch took over 5 s');
        assert.ok(back !== undefined, 'limiting resumed');
        assert.ok(
          during.filter((o) => o.at > lastFail).every((o) => o.limited),
          'no failure after the switch',
        );

        // The limit still holds: the rest of the minute's allowance, then 429.
        const admitted = [...before, ...during].filter((o) => o.status === 200 && o.limited).length;
        const after = await runMany(LIMIT, 4, () => ask(gw, t0));
        const total = admitted + after.filter((o) => o.status === 200).length;
        const refused = after.filter((o) => o.status === 429).length;
        console.log(`      ${mode}: ${total} admitted by the limiter this minute (limit ${LIMIT}), then ${refused} refused`);
        assert.ok(refused > 0, 'the limit is enforced after the failover');
        assert.ok(after.every((o) => o.status === 200 || o.status === 429));
        // Counts made before the switch were replicated; none were written to the old master after it.
        assert.ok(total >= LIMIT && total <= LIMIT * 1.01, `${total} admitted`);
      } finally {
        await gw.stop();
        await set.stop();
      }
    });
  }
});
