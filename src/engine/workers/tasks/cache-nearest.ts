/**
 * Worker task for the semantic cache: embed the prompt (when given as text) and find the
 * nearest row of a scope's vector matrix, in one round trip. The matrix lives in a
 * SharedArrayBuffer, so it reaches the worker as one handle, without a copy. Returns the
 * query vector too: the cache stores it with the answer on a miss.
 *
 * @example
 *   await pool.run('cache-nearest', { embedder: 'hashed-ngram', dims: 256, text: 'hi', matrix, count }); // { query, index, similarity }
 */
import { embedderFor } from '../../embedding/embedder.ts';

export interface CacheNearestJob {
  embedder: string;
  dims: number;
  text?: string;
  query?: Float32Array;
  matrix?: Float32Array;
  count?: number;
}
export interface Nearest {
  index: number;
  similarity: number;
}

/** Index and cosine of the nearest of the first `count` rows (L2-normalised, so the dot product). */
export function nearestInMatrix(q: Float32Array, matrix: Float32Array, count: number, dims: number): Nearest {
  let index = -1,
    similarity = -Infinity;
  for (let r = 0, off = 0; r < count; r++, off += dims) {
    let dot = 0;
    for (let i = 0; i < dims; i++) dot += q[i]! * matrix[off + i]!;
    if (dot > similarity) {
      similarity = dot;
      index = r;
    }
  }
  return { index, similarity };
}

export default function cacheNearest(p: CacheNearestJob): Nearest & { query: Float32Array } {
  const query = p.query ?? embedderFor(p.embedder, p.dims).embed(p.text ?? '');
  const hit = p.matrix && p.count ? nearestInMatrix(query, p.matrix, p.count, p.dims) : { index: -1, similarity: -Infinity };
  return { query, ...hit };
}
