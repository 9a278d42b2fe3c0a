/**
 * Embedding routing for aliases: example prompts per model are embedded once, at load;
 * a request's user text is embedded and its nearest example names the model to prefer,
 * when similar enough. The embedder is the engine's shared one (src/engine/embedding/,
 * also used by semantic-cache); many examples or a long prompt go to the worker pool.
 *
 * @example
 *   const e = compileEmbedding({ min_similarity: 0.3, routes: { big: ['refactor this code'] } });
 *   await nearestExample(e, 'please refactor my function', pool); // { model: 'big', similarity: 0.41 }
 */
import { embedderFor, nearest, type Embedder } from '../../engine/embedding/embedder.ts';
import { INLINE_MAX_CHARS } from '../../engine/tokens/count.ts';
import type { WorkerPool } from '../../engine/workers/pool.ts';
import type { RouterConfig } from './config.generated.ts';

export interface CompiledEmbedding {
  embedder: Embedder;
  name: string;
  minSimilarity: number;
  rows: Float32Array[];
  rowModel: string[];
}

/** Embedding of many examples goes to a worker above this many row×dims. */
const INLINE_MAX_EMBED_WORK = 64 * 256;

export function compileEmbedding(e: NonNullable<RouterConfig['embedding']>): CompiledEmbedding {
  const name = e.embedder ?? 'hashed-ngram';
  const embedder = embedderFor(name, e.dims ?? 256);
  const rows: Float32Array[] = [],
    rowModel: string[] = [];
  for (const [model, examples] of Object.entries(e.routes)) {
    for (const ex of examples) {
      rows.push(embedder.embed(ex));
      rowModel.push(model);
    }
  }
  return { embedder, name, minSimilarity: e.min_similarity ?? 0.2, rows, rowModel };
}

/** The model of the example nearest to `text`, and how similar it is; undefined without examples. */
export async function nearestExample(e: CompiledEmbedding, text: string, pool?: WorkerPool): Promise<{ model: string; similarity: number } | undefined> {
  if (e.rows.length === 0) return undefined;
  const heavy = pool && (text.length > INLINE_MAX_CHARS || e.rows.length * e.embedder.dims > INLINE_MAX_EMBED_WORK);
  const hit = heavy
    ? await pool.run<{ index: number; similarity: number }>('similarity', { embedder: e.name, dims: e.embedder.dims, text, rows: e.rows })
    : nearest(e.embedder.embed(text), e.rows);
  return hit.index >= 0 ? { model: e.rowModel[hit.index]!, similarity: hit.similarity } : undefined;
}
