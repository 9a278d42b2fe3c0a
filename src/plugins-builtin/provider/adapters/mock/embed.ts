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
import { embeddingsBody, embeddingTexts, requestedDimensions } from '../shared/embeddings.ts';
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

export function mockEmbeddings(req: EmbeddingsRequest, defaultDims: number): EmbeddingsResponse {
  const texts = embeddingTexts(req);
  const dims = requestedDimensions(req) ?? defaultDims;
  const tokens = texts.reduce((n, t) => n + countWords(t), 0);
  return embeddingsBody(
    req,
    texts.map((t) => mockEmbedding(t, dims)),
    tokens,
  );
}
