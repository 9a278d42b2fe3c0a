/**
 * A hostile config reaching a running gateway — a YAML alias bomb, a 50 MB file — is
 * refused with its reason while a steady request stream keeps being answered: the file is
 * read and parsed in the config worker, never on the event loop. How fast (refusal time,
 * p99 moved) is a speed target, measured in `BENCH_ONLY=config-reload npm run bench`, not
 * asserted here: a timed test would fail on a busy machine, not on a slow gateway.
 */
import assert from 'node:assert/strict';
import { link, rename } from 'node:fs/promises';
import path from 'node:path';
import { mockConfig, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { steadyStream } from '../../helpers/steady-load.ts';
import { hostileConfigs } from '../../helpers/hostile-configs.ts';

describe('hostile config reloads under traffic', function () {
  this.timeout(60_000);
  let gw: TestGateway;
  before(async function () {
    gw = await startTestGateway(mockConfig());
  });
  after(async function () {
    await gw.stop();
  });

  it('refuses an alias bomb and a 50 MB file while the request stream keeps being answered', async function () {
    const files = await hostileConfigs(gw.dir);
    /** Put `file` in place as the config (a hard link: no 50 MB copy), then reload. */
    const reloadWith = async (file: string) => {
      const tmp = path.join(gw.dir, `swap-${Date.now()}.yaml`);
      await link(file, tmp);
      await rename(tmp, gw.configPath);
      return gw.runtime.reload();
    };
    const body = JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'hello' }] });
    // 100 requests/s: light enough that a busy shared machine does not queue them by itself.
    const stream = steadyStream(() => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 10);
    const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
    const quiet: number[] = [];
    const hostile: number[] = [];
    const refusals: Array<{ kind: string; error: string }> = [];
    const hostilePerRound: number[] = [];
    try {
      await sleep(500); // warm
      // Quiet and hostile rounds alternated, so drift in the machine's load hits both.
      for (let round = 0; round < 3; round++) {
        let t = performance.now();
        await sleep(1000);
        quiet.push(...stream.latencies(t, performance.now()));
        t = performance.now();
        while (performance.now() - t < 1000) {
          for (const [kind, file] of [
            ['alias bomb', files.bomb],
            ['50 MB', files.huge],
          ] as const) {
            const r = await reloadWith(file);
            assert.equal(r.ok, false, `${kind} was accepted`);
            refusals.push({ kind, error: r.error ?? '' });
            await sleep(100);
          }
        }
        const end = performance.now();
        await sleep(300); // let the round's last requests answer
        const during = stream.latencies(t, end);
        hostilePerRound.push(during.length);
        hostile.push(...during);
      }
      assert.match(refusals[0]!.error, /too many (nodes|alias)/);
      assert.match(refusals[1]!.error, /the file is 5\d,\d{3},\d{3} bytes/);
      // Before the config worker, one alias bomb held every request for 44 s: no request
      // would have been answered during a hostile round. Now every round answers some.
      for (const [round, answered] of hostilePerRound.entries()) assert.ok(answered > 0, `no request answered during hostile round ${round + 1}`);
      assert.ok(quiet.length > 0);
    } finally {
      await stream.stop();
    }
    assert.deepEqual(stream.failures, []);
    assert.equal(gw.runtime.status().generation, 1, 'the running config kept serving');
  });
});
