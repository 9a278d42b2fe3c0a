/**
 * What the semantic cache needs from a backend: one lookup (the exact entry and, for a
 * semantic request, the scope's prompt vectors), a read of the entry a similarity
 * search chose, and a write. Values are the completion's JSON text: each hit parses its
 * own copy, so plugins above the cache cannot change a cached answer by mutating a body.
 */
import type { ScopeIndex } from './scope-index.ts';

export interface LookupResult {
  /** The exact entry's JSON. */
  exact?: string;
  /** The scope's vectors, when asked for and the scope has any. */
  index?: ScopeIndex;
}

export interface CacheStore {
  lookup(key: string, scope: string, semantic: boolean): Promise<LookupResult>;
  /** An entry found by similarity; undefined (and its row dropped) when it expired since. */
  get(key: string, scope: string): Promise<string | undefined>;
  put(key: string, scope: string, value: string, vector: Float32Array | undefined): Promise<void>;
}
