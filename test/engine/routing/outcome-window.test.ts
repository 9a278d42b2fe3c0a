import assert from 'node:assert/strict';
import { OutcomeWindow } from '../../../src/engine/routing/outcome-window.ts';

describe('routing/outcome-window', () => {
  it('keeps running totals and forgets what left the window', () => {
    const w = new OutcomeWindow(1000); // ten 100 ms buckets
    for (let t = 0; t < 500; t += 10) w.record(t, t % 20 === 0, 5);
    assert.deepEqual([w.total, w.bad], [50, 25]);
    w.record(1050, true, 5); // buckets before t=150 are now out of the window
    // The window moves by whole 100 ms buckets: at 1050 it spans the buckets from 100 on.
    assert.equal(w.total, 40 + 1);
    w.record(5000, false, 5); // long silence: everything old is gone
    assert.deepEqual([w.total, w.bad, w.okCount], [1, 1, 0]);
  });

  it('reads a quantile as the largest latency of its bin', () => {
    const w = new OutcomeWindow(60_000);
    for (let i = 0; i < 990; i++) w.record(i, true, 20 + (i % 5));
    for (let i = 0; i < 10; i++) w.record(1000 + i, true, 1234);
    assert.equal(w.quantile(0.5), 24);
    assert.equal(w.quantile(0.995), 1234);
    w.record(2000, false, 0);
    assert.equal(w.okCount, 1000);
  });

  it('is empty after clear', () => {
    const w = new OutcomeWindow(1000);
    w.record(1, true, 3);
    w.clear();
    assert.deepEqual([w.total, w.bad, w.okCount, w.quantile(0.99)], [0, 0, 0, undefined]);
  });
});
