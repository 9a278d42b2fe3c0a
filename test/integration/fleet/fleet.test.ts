/**
 * Done-when (issue 11): three gateway processes, no shared file, all pointed at one
 * PostgreSQL and one Redis. A key created through replica 1 answers on replicas 2 and 3
 * within 1 s; its revocation is refused everywhere within 1 s; `/admin/spend` on any
 * replica shows all three replicas' usage. A second fleet without Redis shows that
 * PostgreSQL's LISTEN/NOTIFY alone carries key changes. Propagation times are printed
 * (p50 / max over 30 changes).
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { admin, chat, identityConfig } from '../limits/helpers.ts';
import { startReplicas, type Replicas } from '../limits/replicas.ts';
import { deleteRedisPrefix } from '../../helpers/redis.ts';
import { createTestDatabase, type TestDatabase } from '../../engine/stores/db/pg.ts';

const ROUNDS = 30;

/** ms from `t0` until `check` holds on `url`, polling as fast as the replica answers; Infinity after 1 s. */
async function msUntil(t0: number, check: () => Promise<boolean>): Promise<number> {
  while (performance.now() - t0 < 1000) if (await check()) return performance.now() - t0;
  return Infinity;
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const summary = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

/** Revoke `ROUNDS` keys through replica 0; how long until replicas 1.. refuse each one. */
async function revocationTimes(urls: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const k = await admin(urls[0]!, 'POST', '/keys', { name: `round-${r}` });
    for (const u of urls) assert.equal((await chat(u, k.json.secret)).status, 200); // cached everywhere
    const t0 = performance.now();
    assert.equal((await admin(urls[0]!, 'POST', `/keys/${k.json.id}/revoke`)).status, 200);
    const others = await Promise.all(urls.slice(1).map((u) => msUntil(t0, async () => (await chat(u, k.json.secret)).status === 401)));
    times.push(...others);
  }
  return times;
}

async function fleet(stores: string, n: number): Promise<{ replicas: Replicas; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-fleet-'));
  const configPath = path.join(dir, 'gateway.yaml');
  await writeFile(configPath, identityConfig({ stores }));
  return { replicas: await startReplicas(configPath, n), dir };
}

describe('a fleet: three gateway processes on one PostgreSQL and one Redis', function () {
  this.timeout(120_000);
  const prefix = `test:fleet:${randomBytes(6).toString('hex')}:`;
  let tdb: TestDatabase;
  let gws: Replicas;
  let dir: string;

  before(async () => {
    tdb = await createTestDatabase();
    ({ replicas: gws, dir } = await fleet(
      `{ state: { type: redis, url: "redis://127.0.0.1:6379", prefix: "${prefix}" }, db: { type: postgres, url: "${tdb.url}" } }`,
      3,
    ));
  });
  after(async () => {
    await gws?.stop();
    await deleteRedisPrefix(prefix);
    await tdb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a key created through replica 1 answers on replicas 2 and 3 within 1 s', async () => {
    const k = await admin(gws.urls[0]!, 'POST', '/keys', { name: 'fleet' });
    assert.equal(k.status, 201);
    const t0 = performance.now();
    const answered = await Promise.all(gws.urls.slice(1).map((u) => msUntil(t0, async () => (await chat(u, k.json.secret)).status === 200)));
    console.log(`      answered on replicas 2 and 3 after ${answered.map((x) => x.toFixed(1)).join(' and ')} ms`);
    assert.ok(answered.every((ms) => ms < 1000));
  });

  it('a revoked key is refused by every replica within 1 s (30 revocations)', async () => {
    const times = await revocationTimes(gws.urls);
    console.log(`      revocation refused on the other replicas after ${summary(times)} (Redis + NOTIFY)`);
    assert.ok(
      times.every((ms) => ms < 1000),
      `slowest ${Math.max(...times)} ms`,
    );
  });

  it('a change of permissions applies on every replica within 1 s', async () => {
    const k = await admin(gws.urls[0]!, 'POST', '/keys', { permissions: { models: ['mock-gpt'] } });
    for (const u of gws.urls) assert.equal((await chat(u, k.json.secret)).status, 200);
    const t0 = performance.now();
    assert.equal((await admin(gws.urls[0]!, 'PATCH', `/keys/${k.json.id}`, { permissions: { models: ['other-model'] } })).status, 200);
    const refused = await Promise.all(gws.urls.slice(1).map((u) => msUntil(t0, async () => (await chat(u, k.json.secret)).status === 403)));
    assert.ok(
      refused.every((ms) => ms < 1000),
      `refused after ${refused.join(', ')} ms`,
    );
  });

  it("/admin/spend on any replica shows all three replicas' usage", async () => {
    const k = await admin(gws.urls[0]!, 'POST', '/keys', { name: 'spender' });
    const perReplica = [3, 4, 5];
    for (let i = 0; i < 3; i++) for (let j = 0; j < perReplica[i]!; j++) assert.equal((await chat(gws.urls[i]!, k.json.secret)).status, 200);
    for (const u of gws.urls) {
      const t0 = performance.now();
      let seen = 0;
      while (performance.now() - t0 < 3000) {
        const r = await admin(u, 'GET', `/spend?group_by=key&key_id=${k.json.id}`);
        seen = r.json.data[0]?.requests ?? 0;
        if (seen === 12) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(seen, 12, `replica ${u} sees ${seen} of 12 requests`);
    }
  });

  it('each replica reports its database healthy on /readyz', async () => {
    for (const u of gws.urls) {
      const body = (await (await fetch(`${u}/readyz`)).json()) as { checks: { db: string } };
      assert.equal(body.checks.db, 'ok');
    }
  });
});

describe('a fleet without Redis: PostgreSQL LISTEN/NOTIFY alone carries key changes', function () {
  this.timeout(120_000);
  let tdb: TestDatabase;
  let gws: Replicas;
  let dir: string;

  before(async () => {
    tdb = await createTestDatabase();
    ({ replicas: gws, dir } = await fleet(`{ state: { type: memory }, db: { type: postgres, url: "${tdb.url}" } }`, 2));
  });
  after(async () => {
    await gws?.stop();
    await tdb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('revocations reach the other replica within 1 s (30 revocations)', async () => {
    const times = await revocationTimes(gws.urls);
    console.log(`      revocation refused on the other replica after ${summary(times)} (NOTIFY only)`);
    assert.ok(
      times.every((ms) => ms < 1000),
      `slowest ${Math.max(...times)} ms`,
    );
  });
});
