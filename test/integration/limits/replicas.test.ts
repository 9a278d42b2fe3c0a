import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { admin, chat, identityConfig } from './helpers.ts';
import { runMany, startReplicas, type Replicas } from './replicas.ts';
import { STATE_BACKENDS } from './backends.ts';

// A team limit lives in its own slot on a Cluster, apart from its keys' own limits: a
// request then runs one script per slot. It applies only to keys that belong to a team.
const PIPELINE = `  - use: auth
  - use: rate-limit
    config: { limits: [ { per: team, rpm: 600 } ] }
  - use: budget
  - use: audit
  - use: provider`;

for (const backend of STATE_BACKENDS)
  describe(`three gateway processes sharing ${backend.name} enforce one limit`, function () {
    this.timeout(60_000);
    const prefix = `test:rl:${randomBytes(6).toString('hex')}:`;
    let dir: string;
    let gws: Replicas;
    let redis: { state: string; stop(): Promise<void> } | undefined;

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'gw-limits-'));
      redis = await backend.start(prefix);
      const configPath = path.join(dir, 'gateway.yaml');
      await writeFile(
        configPath,
        identityConfig({
          stores: `{ state: ${redis.state}, db: { type: sqlite, path: "${path.join(dir, 'db', 'gw.db')}" } }`,
          pipeline: PIPELINE,
        }),
      );
      gws = await startReplicas(configPath, 3);
    });
    after(async () => {
      await gws?.stop();
      await redis?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    const url = (i: number) => gws.urls[i % 3]!;

    it('3,000 requests against a 1,000/min key: between 1,000 and 1,010 admitted', async () => {
      const k = await admin(url(0), 'POST', '/keys', { limits: { rpm: 1000 } });
      const statuses = await runMany(3000, 60, (i) => chat(url(i), k.json.secret).then((r) => r.status));
      const ok = statuses.filter((s) => s === 200).length;
      const limited = statuses.filter((s) => s === 429).length;
      console.log(`      admitted ${ok} of 3000 (limit 1000), 429: ${limited}`);
      assert.equal(ok + limited, 3000);
      assert.ok(ok >= 1000 && ok <= 1010, `admitted ${ok}`);
    });

    it('a 2,000 tokens/min key with streamed requests: admitted tokens within 1% of the limit', async () => {
      // Each request: 5 prompt words + 8 reply words = 13 tokens (the mock counts words);
      // the reservation (23 chars / 4 + max_tokens 10 = 16) covers it.
      const k = await admin(url(0), 'POST', '/keys', { limits: { tpm: 2000 } });
      const send = (i: number) => chat(url(i), k.json.secret, { stream: true, text: 'one two three four five', max_tokens: 10 }).then((r) => r.status);
      const first = await runMany(600, 9, send);
      await new Promise((r) => setTimeout(r, 300)); // let the last reservations settle
      const rest = await runMany(30, 1, send);
      const ok = [...first, ...rest].filter((s) => s === 200).length;
      console.log(`      admitted ${ok} streamed requests = ${ok * 13} tokens (limit 2000)`);
      assert.ok(ok * 13 <= 2020, `${ok * 13} tokens admitted`);
      assert.ok(ok * 13 >= 2000 - 16, `${ok * 13} tokens admitted`);
      assert.ok([...first, ...rest].every((s) => s === 200 || s === 429));
    });

    it('a revoked key is refused by every replica within 1 s', async () => {
      const k = await admin(url(0), 'POST', '/keys', { name: 'to-revoke' });
      for (let i = 0; i < 3; i++) assert.equal((await chat(url(i), k.json.secret)).status, 200); // cached everywhere
      const t0 = Date.now();
      assert.equal((await admin(url(0), 'POST', `/keys/${k.json.id}/revoke`)).status, 200);
      const refusedAfter = await Promise.all(
        [1, 2].map(async (i) => {
          while (Date.now() - t0 < 1000) {
            if ((await chat(url(i), k.json.secret)).status === 401) return Date.now() - t0;
            await new Promise((r) => setTimeout(r, 20));
          }
          return Infinity;
        }),
      );
      console.log(`      refused by replicas 1 and 2 after ${refusedAfter.join(' and ')} ms`);
      assert.ok(refusedAfter.every((ms) => ms < 1000));
    });

    it('a key with a budget is stopped on every replica once its spend is exhausted (streams)', async () => {
      // $1 per token, 13 tokens a request: $100 allows 8 requests (spend 104 after the 8th).
      const k = await admin(url(0), 'POST', '/keys', { budget: { limit: 100, period: 'daily' } });
      let admitted = 0;
      for (let i = 0; i < 12; i++) {
        const r = await chat(url(i), k.json.secret, { stream: true, text: 'one two three four five' });
        if (r.status === 200) admitted++;
        else assert.equal(r.json.error.code, 'budget_exceeded');
        await new Promise((res) => setTimeout(res, 30));
      }
      assert.equal(admitted, 8);
      for (let i = 0; i < 3; i++) assert.equal((await chat(url(i), k.json.secret, { stream: true })).status, 429);
    });

    it('a 600/min team limit shared by 10 keys of 100/min: between 600 and 606 admitted, no key over its own', async () => {
      const team = await admin(url(0), 'POST', '/teams', { name: `fleet-${prefix}` });
      const keys = await Promise.all(Array.from({ length: 10 }, () => admin(url(0), 'POST', '/keys', { team_id: team.json.id, limits: { rpm: 100 } })));
      const statuses = await runMany(1500, 60, (i) => chat(url(i), keys[i % 10]!.json.secret).then((r) => r.status));
      const ok = statuses.filter((s) => s === 200).length;
      const perKey = keys.map((_, k) => statuses.filter((s, i) => s === 200 && i % 10 === k).length);
      console.log(`      admitted ${ok} of 1500 (team limit 600); per key: ${perKey.join(' ')}`);
      assert.ok(statuses.every((s) => s === 200 || s === 429));
      assert.ok(ok >= 600 && ok <= 606, `admitted ${ok}`);
      assert.ok(Math.max(...perKey) <= 100, `a key went over its 100/min: ${perKey}`);
    });
  });
