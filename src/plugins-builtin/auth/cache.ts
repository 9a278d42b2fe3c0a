/**
 * A small LRU with a TTL for key lookups (a Map keeps insertion order: re-inserting on a
 * hit makes it most recent, the first key is the least recent). Misses are cached too,
 * so a flood of bad keys does not reach the database; any key change clears it all.
 *
 * @example
 *   const c = new TtlLru<string>(1000, 5000); c.set('h', 'v'); c.get('h'); // 'v'
 */
export class TtlLru<V> {
  private readonly map = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  /** The cached value; `undefined` when absent or stale (a cached miss is a stored `null` V). */
  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    if (e.until <= now) return undefined;
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.ttlMs === 0) return;
    this.map.delete(key);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, until: now + this.ttlMs });
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
