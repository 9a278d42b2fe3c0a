/** The usage/audit write buffer against a scripted writer: batching, outages, bounds, refused rows. */
import assert from 'node:assert/strict';
import { WriteBuffer, type BufferHooks, type DropReason } from '../../../../src/engine/stores/db/write-buffer.ts';
import { isRejected } from '../../../../src/engine/stores/db/availability.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A writer that stores rows, or fails while `down`, or refuses rows named 'bad'. */
function scripted() {
  const written: number[][] = [];
  const events: string[] = [];
  const drops: [number, DropReason][] = [];
  const state = { down: false };
  const hooks: BufferHooks = {
    dropped: (_t, n, reason) => void drops.push([n, reason]),
    writeFailed: (_t, err) => void events.push(err ? 'failed' : 'recovered'),
    waiting: () => undefined,
  };
  const write = async (rows: readonly (number | string)[]) => {
    await sleep(1);
    if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (rows.includes('bad')) throw Object.assign(new Error('null value in column "status"'), { code: '23502' });
    written.push(rows as number[]);
  };
  return { written, events, drops, state, hooks, write, flat: () => written.flat() };
}

const make = (s: ReturnType<typeof scripted>, o: { flushMs?: number; batch?: number; maxRows?: number } = {}) =>
  new WriteBuffer<number | string>({
    table: 'usage',
    write: s.write,
    retryable: (e) => !isRejected(e),
    flushMs: o.flushMs ?? 20,
    batch: o.batch ?? 100,
    maxRows: o.maxRows ?? 1000,
    hooks: s.hooks,
  });

describe('db write buffer', () => {
  it('writes after flushMs, at once when a batch is full, in order', async () => {
    const s = scripted();
    const b = make(s, { flushMs: 50, batch: 3 });
    b.push(1);
    b.push(2);
    await sleep(10);
    assert.deepEqual(s.written, [], 'waits for the interval');
    b.push(3); // batch full
    await sleep(10);
    assert.deepEqual(s.written, [[1, 2, 3]]);
    b.push(4);
    await sleep(80);
    assert.deepEqual(s.written, [[1, 2, 3], [4]]);
    await b.close();
  });

  it('keeps rows through an outage, retries with backoff, then writes them all once and in order', async () => {
    const s = scripted();
    const b = make(s, { flushMs: 10, batch: 4 });
    s.state.down = true;
    for (let i = 0; i < 10; i++) b.push(i);
    await sleep(300);
    assert.equal(b.size, 10);
    assert.ok(b.failing);
    const failures = s.events.filter((e) => e === 'failed').length;
    assert.ok(failures >= 2 && failures <= 4, `backoff: ${failures} attempts in 300 ms`);
    s.state.down = false;
    for (let i = 10; i < 12; i++) b.push(i);
    await sleep(1700); // the next retry is at most 1.6 s away at this point
    assert.deepEqual(
      s.flat(),
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.equal(s.events.at(-1), 'recovered');
    assert.equal(b.failing, false);
    assert.deepEqual(s.drops, []);
    await b.close();
  });

  it('is bounded: rows beyond maxRows are dropped and counted, never silently', async () => {
    const s = scripted();
    const b = make(s, { maxRows: 5 });
    s.state.down = true;
    for (let i = 0; i < 8; i++) b.push(i);
    assert.equal(b.size, 5);
    assert.deepEqual(s.drops, [
      [1, 'buffer_full'],
      [1, 'buffer_full'],
      [1, 'buffer_full'],
    ]);
    s.state.down = false;
    await b.flush();
    assert.deepEqual(s.flat(), [0, 1, 2, 3, 4]);
    await b.close();
  });

  it('on close, counts what the database would not take; a row pushed after close is counted too', async () => {
    const s = scripted();
    const b = make(s);
    s.state.down = true;
    b.push(1);
    b.push(2);
    await b.close();
    assert.deepEqual(s.drops, [[2, 'shutdown']]);
    b.push(3);
    assert.deepEqual(s.drops.at(-1), [1, 'shutdown']);
    assert.equal(b.size, 0);
  });

  it('a row the database refuses is dropped alone (counted); its batch-mates are written', async () => {
    const s = scripted();
    const b = make(s, { batch: 10 });
    for (const r of [1, 'bad', 3]) b.push(r);
    await b.flush();
    assert.deepEqual(s.flat(), [1, 3]);
    assert.deepEqual(s.drops, [[1, 'rejected']]);
    assert.equal(b.failing, false);
    await b.close();
  });

  it('flush waits for a write in flight and writes rows pushed meanwhile', async () => {
    const s = scripted();
    const b = make(s, { flushMs: 1 });
    b.push(1);
    await sleep(3); // the timer's write is in flight
    b.push(2);
    await b.flush();
    assert.deepEqual(s.flat(), [1, 2]);
    await b.close();
  });
});
