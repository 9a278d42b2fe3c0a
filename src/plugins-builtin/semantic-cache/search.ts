/**
 * Embedding the prompt and finding the nearest cached prompt: inline while the job costs
 * the event loop less than a worker round trip, in the worker pool (one trip for both)
 * above that. Thresholds measured with test/bench/semantic-cache-threshold.ts (README).
 *
 * @example
 *   const s = createSearcher('hashed-ngram', 256, env.pool);
 *   const { query, key, similarity } = await s.nearest('what is a cache', index);
 */
import type { WorkerPool } from '../../engine/workers/pool.ts';
import type { Nearest } from '../../engine/workers/tasks/cache-nearest.ts';
import { embedderFor } from '../../engine/embedding/embedder.ts';
import type { ScopeIndex } from './scope-index.ts';

/**
 * Measured on this machine (2 cores): a worker trip costs ~40–50 µs of event-loop time
 * whatever the job (~100–200 µs wall); inline, hashed-ngram embedding costs ~45 µs per
 * 1,000 chars and the search ~0.43 µs per 256-dim row. Past these sizes inline work
 * blocks the event loop longer than a trip; the request itself waits ~60–100 µs more.
 */
/** Prompts longer than this are embedded in a worker. */
export const INLINE_MAX_CHARS = 1000;
/** Searches over more than this many rows × dims (128 rows of 256) run in a worker. */
export const INLINE_MAX_WORK = 128 * 256;

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
  const job = { embedder: name, dims };
  return {
    async embed(text) {
      if (pool && text.length > INLINE_MAX_CHARS) return (await pool.run<{ query: Float32Array }>('cache-nearest', { ...job, text })).query;
      return embedder.embed(text);
    },
    async nearest(text, index) {
      const n = index?.size ?? 0;
      if (pool && (text.length > INLINE_MAX_CHARS || n * dims > INLINE_MAX_WORK)) {
        const keys = n ? index!.keys.slice() : [];
        const r = await pool.run<Nearest & { query: Float32Array }>('cache-nearest', { ...job, text, matrix: n ? index!.matrix : undefined, count: n });
        const key = keys[r.index];
        // Rows may have moved while the worker searched: trust only the row as it is now.
        const similarity = key === undefined ? -1 : (index!.similarityOf(key, r.query) ?? -1);
        return { query: r.query, key, similarity };
      }
      const query = embedder.embed(text);
      if (!n) return { query, similarity: -1 };
      const r = index!.nearest(query);
      return { query, key: index!.keys[r.index], similarity: r.similarity };
    },
  };
}
