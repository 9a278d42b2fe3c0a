/**
 * The outage log: one line when a store's outage starts, at most one summary per period
 * with the failures since the last line, one line when it ends — however many requests
 * fail meanwhile.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { outageLog } from '../../src/engine/log-limit.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, sink) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('outageLog', () => {
  it('10,000 failures over 5 minutes: a start line, one summary a minute with the count, an end line', async () => {
    const { lines, logger } = capture();
    let now = 1_000_000;
    const out = outageLog(logger, 'budget store', { effect: 'budgets not enforced', now: () => now });
    for (let i = 0; i < 10_000; i++) {
      out.failed(new Error('connect ECONNREFUSED'), { op: 'read' });
      now += 30; // 10,000 × 30 ms = 300 s
    }
    assert.equal(out.down, true);
    out.ok();
    out.ok(); // a second success says nothing more
    await tick();
    assert.equal(lines.length, 1 + 4 + 1, JSON.stringify(lines.map((l) => l.msg)));
    assert.equal(lines[0]!.msg, 'budget store unreachable; budgets not enforced');
    assert.equal(lines[0]!.level, 50);
    assert.equal(lines[0]!.op, 'read');
    assert.equal(lines[0]!.err, 'connect ECONNREFUSED');
    // A failure every 30 ms: a minute holds 2,000 of them.
    const summaries = lines.slice(1, 5);
    summaries.forEach((s, i) => {
      assert.equal(s.msg, 'budget store still unreachable');
      assert.equal(s.level, 40);
      assert.equal(s.failures, 2000);
      assert.equal(s.failures_total, 1 + 2000 * (i + 1));
    });
    const end = lines[5]!;
    assert.equal(end.msg, 'budget store reachable again');
    assert.equal(end.level, 30);
    assert.equal(end.failures_total, 10_000);
    assert.equal(end.down_ms, 300_000);
    assert.equal(out.down, false);
  });

  it('a second outage starts afresh, and a success with no outage logs nothing', async () => {
    const { lines, logger } = capture();
    let now = 0;
    const out = outageLog(logger, 'rate-limit store', { now: () => now, summaryMs: 1000 });
    out.ok();
    out.failed('timeout');
    out.failed('timeout');
    out.ok();
    now += 5000;
    out.failed(new Error('again'));
    out.ok();
    await tick();
    assert.deepEqual(
      lines.map((l) => [l.msg, l.failures_total ?? l.err]),
      [
        ['rate-limit store unreachable', 'timeout'],
        ['rate-limit store reachable again', 2],
        ['rate-limit store unreachable', 'again'],
        ['rate-limit store reachable again', 1],
      ],
    );
  });
});
