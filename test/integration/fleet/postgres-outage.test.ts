/**
 * Done-when (issue 11): PostgreSQL stopped and restarted mid-load. A PostgreSQL of the
 * test's own (own-postgres.ts) is stopped while requests flow and started again: keys
 * verified before keep working throughout (from the auth cache, within its bound),
 * `/readyz` says the database is degraded and why (no URL), spend queries get 503, and
 * every request answered 200 has exactly one usage row once the database is back.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { admin, chat, identityConfig } from '../limits/helpers.ts';
import { ownPostgres, type OwnPostgres } from './own-postgres.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined || Date.now() > end) return v;
    await sleep(100);
  }
}

async function usageRows(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query('SELECT COUNT(*) AS n FROM usage')).rows[0].n);
  } finally {
    await c.end();
  }
}

const metric = (body: string, name: string) =>
  [...body.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);

describe('PostgreSQL stopped and restarted mid-load', function () {
  this.timeout(90_000);
  let db: OwnPostgres;
  let gw: TestGateway;

  before(async () => {
    db = await ownPostgres();
    await db.start();
    gw = await startTestGateway(
      identityConfig({
        stores: `{ state: { type: memory }, db: { type: postgres, url: "${db.url}", pool: { connect_timeout_ms: 500 } } }`,
        pipeline: `  - use: auth
    config: { cache_ttl_ms: 300, stale_if_error_ms: 60000 }
  - use: audit
  - use: provider`,
      }),
    );
  });
  after(async () => {
    await gw?.stop();
    await db?.destroy();
  });

  it('verified keys keep working, /readyz says degraded, and no usage row is lost', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) keys.push((await admin(gw.url, 'POST', '/keys', { name: `k${i}` })).json.secret);
    for (const k of keys) assert.equal((await chat(gw.url, k)).status, 200); // verified and cached

    const statuses = new Map<number, number>();
    let stop = false;
    let sent = 0;
    const load = Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = w; !stop; i += 6) {
          const { status } = await chat(gw.url, keys[i % keys.length]!);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          sent++;
        }
      }),
    );

    await sleep(700);
    await db.stop();
    const stoppedAt = sent;
    await sleep(1500); // well past cache_ttl_ms: lookups fail, the stale allowance answers
    const ready = await fetch(`${gw.url}/readyz`);
    const body = (await ready.json()) as { status: string; checks: { db: string; db_reason: string; db_buffered: { usage: number } } };
    const text = JSON.stringify(body);
    assert.equal(ready.status, 200, 'a degraded database does not take the replica out of rotation');
    assert.equal(body.checks.db, 'degraded');
    assert.match(body.checks.db_reason, /database unreachable/);
    assert.ok(!text.includes(db.url) && !text.includes(String(db.port)), `no URL in ${text}`);
    assert.ok(body.checks.db_buffered.usage > 0, 'usage rows wait in memory');
    const spend = await admin(gw.url, 'GET', '/spend');
    assert.equal(spend.status, 503);
    assert.equal(spend.json.error.code, 'store_unavailable');
    await sleep(1000);
    const duringOutage = sent - stoppedAt;

    await db.start();
    await sleep(1500);
    stop = true;
    await load;

    const ok = statuses.get(200) ?? 0;
    console.log(`      ${ok} requests answered 200 (${duringOutage} while PostgreSQL was down), others: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual([...statuses.keys()], [200], 'every request was served');
    assert.ok(duringOutage > 50, `load went on during the outage (${duringOutage})`);

    const written = await eventually(async () => ((await usageRows(db.url)) === ok + keys.length ? ok + keys.length : undefined), 15_000);
    assert.equal(written, ok + keys.length, `usage rows: ${await usageRows(db.url)}, requests answered: ${ok + keys.length}`);
    const m = (await gw.metrics.render()).body;
    assert.equal(metric(m, 'gateway_db_rows_dropped_total'), 0);
    assert.ok(metric(m, 'gateway_db_write_errors_total') > 0, 'the writes did fail meanwhile');
    assert.ok(metric(m, 'gateway_auth_stale_lookups_total') > 0, 'the stale allowance answered');
    const healthy = await eventually(async () => {
      const r = (await (await fetch(`${gw.url}/readyz`)).json()) as { checks: { db: string } };
      return r.checks.db === 'ok' ? true : undefined;
    }, 10_000);
    assert.equal(healthy, true, '/readyz is ok again');
  });
});
