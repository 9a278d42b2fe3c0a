/**
 * Failed admin authentications, recorded so that a flood cannot grow the audit table or
 * the log without bound (3,000 bad requests once added 12 MB of audit rows). Per source
 * IP and window (a minute): the first failure gets its own audit row and log line; the
 * rest are counted and written as one summary row (`details.aggregated: true`,
 * `details.count`) when the window ends, or when the audit log is read. Every row carries
 * `details.count`, so the sum over rows is the number of failures. Paths are cut to
 * MAX_TARGET_CHARS. Past MAX_SOURCES addresses in one window, new ones share one `*` source.
 *
 * @example
 *   const log = new AuthFailureLog((e) => db.recordAudit(e), logger);
 *   log.record({ ip: '10.0.0.1', target: 'GET /admin/keys', presented: 'wrong key' });
 */
import type { Logger } from 'pino';
import type { AuditEntry } from '../stores/db/index.ts';

export const MAX_TARGET_CHARS = 256;
const MAX_SOURCES = 1000;
const OVERFLOW = '*';

export interface AuthFailure {
  ip: string;
  /** `METHOD /path`, as requested (cut here). */
  target: string;
  presented: 'wrong key' | 'no key';
}

/** One source's window: failures after the first, not yet written. */
interface Window {
  start: number;
  pending: number;
  wrongKey: number;
  noKey: number;
  lastTarget: string;
}

export interface AuthFailureOptions {
  windowMs?: number;
  now?: () => number;
}

const cut = (s: string): string => (s.length > MAX_TARGET_CHARS ? s.slice(0, MAX_TARGET_CHARS - 1) + '…' : s);

export class AuthFailureLog {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (entry: AuditEntry) => void,
    private readonly logger: Logger,
    opts: AuthFailureOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  record(f: AuthFailure): void {
    const now = this.now();
    const target = cut(f.target);
    const ip = this.windows.has(f.ip) || this.windows.size < MAX_SOURCES ? f.ip : OVERFLOW;
    let w = this.windows.get(ip);
    if (w && now - w.start >= this.windowMs) {
      this.summarise(ip, w, now);
      this.windows.delete(ip);
      w = undefined;
    }
    if (w) {
      w.pending++;
      if (f.presented === 'wrong key') w.wrongKey++;
      else w.noKey++;
      w.lastTarget = target;
      return;
    }
    this.windows.set(ip, { start: now, pending: 0, wrongKey: 0, noKey: 0, lastTarget: target });
    this.logger.warn({ ip, target }, 'admin authentication failed');
    this.write({ actor: 'anonymous', action: 'admin.auth_failed', target, details: { ip, presented: f.presented, count: 1 } });
    this.schedule();
  }

  /** Write every pending count now (before the audit log is read); open windows go on. */
  flush(): void {
    this.sweep(true);
  }

  /** Write what is pending and stop the timer. */
  close(): void {
    this.sweep(true);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Summarise ended windows (and, with `all`, open ones too); ended ones are dropped. */
  private sweep(all: boolean): void {
    const now = this.now();
    for (const [ip, w] of this.windows) {
      const ended = now - w.start >= this.windowMs;
      if (!ended && !all) continue;
      this.summarise(ip, w, now);
      if (ended) this.windows.delete(ip);
    }
  }

  private summarise(ip: string, w: Window, now: number): void {
    if (w.pending === 0) return;
    const details = {
      ip,
      count: w.pending,
      aggregated: true,
      presented: { 'wrong key': w.wrongKey, 'no key': w.noKey },
      from: new Date(w.start).toISOString(),
      to: new Date(now).toISOString(),
    };
    this.logger.warn({ ip, count: w.pending }, 'admin authentication failed repeatedly (one audit row for them all)');
    this.write({ actor: 'anonymous', action: 'admin.auth_failed', target: w.lastTarget, details });
    w.pending = w.wrongKey = w.noKey = 0;
  }

  /** Close windows as they end; the timer never keeps the process alive. */
  private schedule(): void {
    if (this.timer || this.windows.size === 0) return;
    let first = Infinity;
    for (const w of this.windows.values()) first = Math.min(first, w.start);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.sweep(false);
        this.schedule();
      },
      Math.max(0, first + this.windowMs - this.now()),
    );
    this.timer.unref();
  }
}
