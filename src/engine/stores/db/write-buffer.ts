/**
 * Buffered writes for usage and audit rows: the request path only pushes into memory;
 * rows are written in batches (every `flushMs`, or as soon as `batch` wait). When the
 * database refuses, rows stay buffered and are retried with backoff (up to 5 s apart),
 * in order, until it answers again; a row it refuses for its content is dropped alone,
 * not with its batch. The buffer is bounded (`maxRows`): a row that does
 * not fit, or that is still waiting when the process stops, is dropped and counted —
 * never lost silently. Rows carry a uid so a batch retried after a lost acknowledgement
 * is not written twice.
 *
 * @example
 *   const b = new WriteBuffer({ table: 'usage', write: (rows) => repo.insert(rows), retryable: (e) => !isRejected(e), flushMs: 100, batch: 500, maxRows: 100_000, hooks });
 *   b.push(row);            // never waits
 *   await b.flush();        // write what waits now (e.g. before a spend query)
 */
export type BufferedTable = 'usage' | 'audit';
export type DropReason = 'buffer_full' | 'shutdown' | 'rejected';

export interface BufferHooks {
  /** Rows dropped: counted in a metric and logged by the owner (`err`: why the database refused). */
  dropped(table: BufferedTable, n: number, reason: DropReason, err?: Error): void;
  /** A batch write failed (the rows stay buffered) or, with `err` undefined, succeeded again. */
  writeFailed(table: BufferedTable, err: Error | undefined): void;
  /** Rows waiting, after each write attempt. */
  waiting(table: BufferedTable, n: number): void;
}

export interface WriteBufferOptions<T> {
  table: BufferedTable;
  write(rows: readonly T[]): Promise<void>;
  /** True when a failed write may succeed later (the database is away), false when it refused the rows. */
  retryable(err: unknown): boolean;
  flushMs: number;
  batch: number;
  maxRows: number;
  hooks: BufferHooks;
}

const MAX_BACKOFF_MS = 5000;

export class WriteBuffer<T> {
  private rows: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly o: WriteBufferOptions<T>) {}

  /** Rows waiting to be written. */
  get size(): number {
    return this.rows.length;
  }

  /** True while the last write attempt failed (the rows are being retried). */
  get failing(): boolean {
    return this.failures > 0;
  }

  push(row: T): void {
    if (this.closed) return this.o.hooks.dropped(this.o.table, 1, 'shutdown');
    if (this.rows.length >= this.o.maxRows) return this.o.hooks.dropped(this.o.table, 1, 'buffer_full');
    this.rows.push(row);
    if (this.failures > 0) return; // a retry is already scheduled
    if (this.rows.length >= this.o.batch) this.kick(0);
    else if (!this.timer) this.kick(this.o.flushMs);
  }

  /** Write everything waiting now; resolves once written, or once a write has failed. */
  flush(): Promise<void> {
    this.clearTimer();
    return this.pump();
  }

  /** Last flush, then drop (and count) what the database would not take. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.clearTimer();
    if (this.rows.length > 0) this.o.hooks.dropped(this.o.table, this.rows.length, 'shutdown');
    this.rows = [];
    this.o.hooks.waiting(this.o.table, 0);
  }

  private kick(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One writer at a time: a second caller waits for the running one, which takes new rows too. */
  private pump(): Promise<void> {
    return (this.pumping ??= this.writeAll().finally(() => {
      this.pumping = undefined;
      // A row pushed while the last batch was settling must not wait for the next push.
      if (this.rows.length > 0 && !this.timer && this.failures === 0 && !this.closed) this.kick(this.o.flushMs);
    }));
  }

  /** Batches from the head, in order, until empty or a write fails (then retry with backoff). */
  private async writeAll(): Promise<void> {
    while (this.rows.length > 0) {
      const n = Math.min(this.rows.length, this.o.batch);
      try {
        await this.o.write(this.rows.slice(0, n));
        this.rows.splice(0, n);
      } catch (err) {
        try {
          if (this.o.retryable(err)) throw err;
          await this.isolate(n);
        } catch (outage) {
          this.failures++;
          this.o.hooks.writeFailed(this.o.table, outage as Error);
          this.o.hooks.waiting(this.o.table, this.rows.length);
          if (!this.closed) this.kick(Math.min(Math.max(this.o.flushMs, 100) * 2 ** (this.failures - 1), MAX_BACKOFF_MS));
          return;
        }
      }
      if (this.failures > 0) this.o.hooks.writeFailed(this.o.table, undefined);
      this.failures = 0;
    }
    this.o.hooks.waiting(this.o.table, 0);
  }

  /**
   * The database refused a batch for its content, not for being away: write its rows one
   * by one so only the refused ones are dropped (and counted), not the whole batch.
   */
  private async isolate(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      try {
        await this.o.write([this.rows[0]!]);
      } catch (err) {
        if (this.o.retryable(err)) throw err;
        this.o.hooks.dropped(this.o.table, 1, 'rejected', err as Error);
      }
      this.rows.shift();
    }
  }
}
