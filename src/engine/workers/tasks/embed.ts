/**
 * Worker task: embed texts with a registered embedder (default: hashed n-grams).
 *
 * @example
 *   await pool.run('embed', { embedder: 'hashed-ngram', dims: 256, texts: ['hello'] }); // [Float32Array]
 */
import { embedderFor } from '../../embedding/embedder.ts';

export default function embed(p: { embedder: string; dims: number; texts: string[] }): Float32Array[] {
  const e = embedderFor(p.embedder, p.dims);
  return p.texts.map((t) => e.embed(t));
}
