/**
 * Embedding the prompt and finding the nearest cached prompt: inline while the job is
 * smaller than a worker round trip, in the worker pool (one trip for both) above that.
 * Thresholds measured with test/plugins/semantic-cache/threshold.ts (see README).
 *
 * @example
 *   const s = createSearcher('hashed-ngram', 256, env.pool);
 *   const { query, key, similarity } = await s.nearest('what is a cache', index);
 */
import type { WorkerPool } from '../../engine/workers/pool.ts';
import { embedderFor, nearest } from '../../engine/routing/embed.ts';
import type { ScopeIndex } from './scope-index.ts';

/** Prompts longer than this are embedded in a worker. */
export const INLINE_MAX_CHARS = 4000;
/** Searches over more than this many rows × dims run in a worker. */
export const INLINE_MAX_WORK = 256 * 256;

export interface NearestResult {
  query: Float32Array;
  /** The nearest row's entry key, when the scope had rows. */
  key?: string;
  similarity: number;
}

export interface Searcher {
  embed(text: string): Promise<Float32Array>;
  nearest(text: string, index: ScopeIndex | undefined): Promise<NearestResult>;
}

export function createSearcher(name: string, dims: number, pool: WorkerPool | undefined): Searcher {
  const embedder = embedderFor(name, dims);
  return {
    async embed(text) {
      if (pool && text.length > INLINE_MAX_CHARS) return (await pool.run<{ query: Float32Array }>('cache-nearest', { embedder: name, dims, text, rows: [] })).query;
      return embedder.embed(text);
    },
    async nearest(text, index) {
      const n = index?.size ?? 0;
      if (pool && (text.length > INLINE_MAX_CHARS || n * dims > INLINE_MAX_WORK)) {
        // Snapshots: the index may change while the worker searches.
        const keys = n ? index!.keys.slice() : [];
        const r = await pool.run<{ query: Float32Array; index: number; similarity: number }>('cache-nearest', { embedder: name, dims, text, rows: n ? index!.rows.slice() : [] });
        return { query: r.query, key: keys[r.index], similarity: r.similarity };
      }
      const query = embedder.embed(text);
      if (!n) return { query, similarity: -1 };
      const r = nearest(query, index!.rows);
      return { query, key: index!.keys[r.index], similarity: r.similarity };
    },
  };
}
