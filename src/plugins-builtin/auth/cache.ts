/**
 * A small LRU with a TTL for key lookups (a Map keeps insertion order: re-inserting on a
 * hit makes it most recent, the first key is the least recent). Misses are cached too,
 * so a flood of bad keys does not reach the database; any key change clears it all.
 * Past its TTL an entry is kept `staleMs` longer, for `getStale` only: while the database
 * is unreachable, a key verified within `ttlMs + staleMs` still answers (a bounded outage
 * allowance), and nothing older does.
 *
 * @example
 *   const c = new TtlLru<string>(1000, 5000, 300_000); c.set('h', 'v'); c.get('h'); // 'v'
 */
interface Entry<V> {
  value: V;
  /** Fresh until (ms epoch): `get` answers. */
  until: number;
  /** Usable until (ms epoch) when the database cannot be asked: `getStale` answers. */
  staleUntil: number;
}

export class TtlLru<V> {
  private readonly map = new Map<string, Entry<V>>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly staleMs = 0,
  ) {}

  /** The cached value; `undefined` when absent or past its TTL (a cached miss is a stored `null` V). */
  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      if (e.staleUntil <= now) this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** The value past its TTL but within the stale allowance; `undefined` beyond it. */
  getStale(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    return e && e.staleUntil > now ? e.value : undefined;
  }

  /** Answer from the entry for `ms` more without asking again (the database is away); never past its stale bound. */
  holdStale(key: string, ms: number, now = Date.now()): void {
    const e = this.map.get(key);
    if (e) e.until = Math.min(now + ms, e.staleUntil);
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.ttlMs === 0) return;
    this.map.delete(key);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, until: now + this.ttlMs, staleUntil: now + this.ttlMs + this.staleMs });
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
