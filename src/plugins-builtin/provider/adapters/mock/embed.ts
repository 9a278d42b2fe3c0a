/**
 * The mock's embeddings: a deterministic unit vector per text (same text, same vector),
 * of the requested `dimensions` (else `options.embedding_dimensions`), encoded as the
 * request asks (float or OpenAI's base64). Usage counts words, like the mock's chat.
 *
 * @example
 *   mockEmbedding('hello', 4) // four floats, norm 1
 */
import { createHash } from 'node:crypto';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../engine/openai-types.ts';
import { embeddingInputs, embeddingsBody, requestedDimensions } from '../shared/embeddings.ts';
import { countWords } from './answer.ts';

/** SHAKE-256 of the text, one byte per dimension, centred and normalised. */
export function mockEmbedding(text: string, dims: number): number[] {
  const h = createHash('shake256', { outputLength: dims }).update(text).digest();
  const v = Array.from(h, (b) => b / 255 - 0.5);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}

/** Token-id inputs are welcome too (embedded by their JSON text; each id is a token). */
export function mockEmbeddings(req: EmbeddingsRequest, defaultDims: number): EmbeddingsResponse {
  const inputs = embeddingInputs(req);
  const dims = requestedDimensions(req) ?? defaultDims;
  const tokens = inputs.reduce((n, x) => n + (typeof x === 'string' ? countWords(x) : x.length), 0);
  return embeddingsBody(
    req,
    inputs.map((x) => mockEmbedding(typeof x === 'string' ? x : JSON.stringify(x), dims)),
    tokens,
  );
}
