/**
 * In-process cache (`stores.state.type: memory`): one LRU of entries (a Map in
 * recency order, `max_entries` long) with a TTL, and per scope the prompt vectors of its
 * live entries. Evicting or expiring an entry removes its vector, so memory stays within
 * max_entries answers and vectors.
 */
import type { CacheStore, LookupResult } from './store.ts';
import { ScopeIndex } from './scope-index.ts';

interface Entry {
  value: string;
  scope: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  maxEntries: number;
  perScope: number;
  ttlMs: number;
  now?: () => number;
}

export function createMemoryStore(opts: MemoryStoreOptions): CacheStore {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const scopes = new Map<string, ScopeIndex>();

  function drop(key: string, e: Entry): void {
    entries.delete(key);
    const idx = scopes.get(e.scope);
    if (idx?.remove(key) && idx.size === 0) scopes.delete(e.scope);
  }

  /** A live entry, refreshed as most recently used. */
  function live(key: string): Entry | undefined {
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now()) {
      drop(key, e);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, e);
    return e;
  }

  return {
    async lookup(key, scope, semantic): Promise<LookupResult> {
      const e = live(key);
      if (e) return { exact: e.value };
      return { index: semantic ? scopes.get(scope) : undefined };
    },
    async get(key) {
      return live(key)?.value;
    },
    async put(key, scope, value, vector) {
      const old = entries.get(key);
      if (old) drop(key, old);
      entries.set(key, { value, scope, expiresAt: now() + opts.ttlMs });
      if (vector) {
        let idx = scopes.get(scope);
        if (!idx) scopes.set(scope, (idx = new ScopeIndex(vector.length)));
        // Vectors beyond the scope's cap stop being searchable; their entries still serve exact hits.
        idx.add(key, vector, opts.perScope);
      }
      for (const [k, e] of entries) {
        if (entries.size <= opts.maxEntries) break;
        drop(k, e);
      }
    },
  };
}
