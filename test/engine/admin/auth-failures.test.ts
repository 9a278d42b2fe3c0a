/**
 * Failed admin authentications under a flood: bounded audit rows and log lines, paths
 * cut, and the count still exact (the sum of `details.count` over the rows).
 */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { AuthFailureLog, MAX_TARGET_CHARS } from '../../../src/engine/admin/auth-failures.ts';
import type { AuditEntry } from '../../../src/engine/stores/db/types.ts';

function setup(windowMs = 60_000) {
  const rows: AuditEntry[] = [];
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(c, _e, cb) {
        logLines.push(String(c));
        cb();
      },
    }),
  );
  const clock = { now: 1_700_000_000_000 };
  const log = new AuthFailureLog((e) => rows.push(e), logger, { windowMs, now: () => clock.now });
  const count = () => rows.reduce((n, r) => n + (r.details!.count as number), 0);
  return { rows, logLines, clock, log, count };
}

describe('AuthFailureLog', () => {
  it('3,000 failures from one address in a minute: 2 rows, every failure counted', () => {
    const t = setup();
    const long = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 3000; i++) {
      t.log.record({ ip: '10.0.0.9', target: `GET /admin/${long}`, presented: i % 3 ? 'wrong key' : 'no key' });
      t.clock.now += 10;
    }
    assert.equal(t.rows.length, 1, 'the first failure at once, the rest wait for the window');
    t.clock.now += 60_000;
    t.log.record({ ip: '10.0.0.9', target: 'GET /admin/keys', presented: 'wrong key' }); // a new window
    assert.equal(t.rows.length, 3);
    assert.equal(t.count(), 3001);
    const summary = t.rows[1]!;
    assert.equal(summary.action, 'admin.auth_failed');
    assert.equal(summary.actor, 'anonymous');
    assert.deepEqual(
      { ...summary.details, from: undefined, to: undefined },
      { ip: '10.0.0.9', count: 2999, aggregated: true, presented: { 'wrong key': 2000, 'no key': 999 }, from: undefined, to: undefined },
    );
    for (const r of t.rows) assert.ok(r.target!.length <= MAX_TARGET_CHARS, `target of ${r.target!.length} chars`);
    assert.ok(JSON.stringify(t.rows).length < 2000, 'bytes stay bounded');
    assert.equal(t.logLines.length, 3, 'log lines too: first, summary, first of the next window');
  });

  it('flush writes what waits (the audit log is being read) and the window goes on', () => {
    const t = setup();
    for (let i = 0; i < 10; i++) t.log.record({ ip: 'a', target: 'GET /admin/x', presented: 'no key' });
    t.log.flush();
    assert.deepEqual(
      t.rows.map((r) => r.details!.count),
      [1, 9],
    );
    t.log.record({ ip: 'a', target: 'GET /admin/x', presented: 'no key' });
    assert.equal(t.rows.length, 2, 'same window: counted, not written');
    t.log.flush();
    t.log.flush(); // nothing pending: nothing written
    assert.deepEqual(
      t.rows.map((r) => r.details!.count),
      [1, 9, 1],
    );
  });

  it('a window closes by itself once its minute is over (timer)', async () => {
    const rows: AuditEntry[] = [];
    const log = new AuthFailureLog((e) => rows.push(e), pino({ level: 'silent' }), { windowMs: 50 });
    try {
      for (let i = 0; i < 5; i++) log.record({ ip: 'b', target: 'GET /admin/y', presented: 'wrong key' });
      assert.equal(rows.length, 1);
      const end = Date.now() + 5000;
      while (rows.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        rows.map((r) => r.details!.count),
        [1, 4],
      );
    } finally {
      log.close();
    }
  });

  it('one row per address; past 1,000 addresses in a window, new ones share the "*" source', () => {
    const t = setup();
    for (let i = 0; i < 1500; i++) t.log.record({ ip: `10.1.${i >> 8}.${i & 255}`, target: 'GET /admin/z', presented: 'no key' });
    t.log.flush();
    assert.equal(t.rows.length, 1001 + 1);
    assert.equal(t.count(), 1500);
    const star = t.rows.filter((r) => r.details!.ip === '*');
    assert.deepEqual(
      star.map((r) => r.details!.count),
      [1, 499],
    );
  });
});
