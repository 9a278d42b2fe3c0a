/**
 * Worker task: embed a query and find its nearest example (embedding routing for long
 * prompts or many examples, off the event loop).
 *
 * @example
 *   await pool.run('similarity', { embedder: 'hashed-ngram', dims: 256, text: 'sql query', rows }); // { index, similarity }
 */
import { embedderFor, nearest } from '../../embedding/embedder.ts';

export default function similarity(p: { embedder: string; dims: number; text: string; rows: Float32Array[] }): { index: number; similarity: number } {
  return nearest(embedderFor(p.embedder, p.dims).embed(p.text), p.rows);
}
