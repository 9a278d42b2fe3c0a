/**
 * Worker task for the semantic cache: embed the prompt (when given as text) and find the
 * nearest cached prompt vector in one round trip. Rows are SharedArrayBuffer views, so
 * they reach the worker without a copy. Returns the query vector too: the cache stores
 * it with the answer on a miss.
 *
 * @example
 *   await pool.run('cache-nearest', { embedder: 'hashed-ngram', dims: 256, text: 'hi', rows }); // { query, index, similarity }
 */
import { embedderFor, nearest } from '../../routing/embed.ts';

export default function cacheNearest(p: { embedder: string; dims: number; text?: string; query?: Float32Array; rows: Float32Array[] }): { query: Float32Array; index: number; similarity: number } {
  const query = p.query ?? embedderFor(p.embedder, p.dims).embed(p.text ?? '');
  return { query, ...nearest(query, p.rows) };
}
