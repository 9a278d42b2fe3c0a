/**
 * Text Embeddings Inference: POST /embed `{ inputs }` → `[[…], …]`; `dimensions` is
 * TEI's own (Matryoshka models), base64 is encoded here. TEI reports no token counts, so
 * usage is an estimate (≈ 4 chars/token).
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../engine/openai-types.ts';
import { embeddingFormat, embeddingsData, embeddingTexts, requestedDimensions } from '../shared/embeddings.ts';
import { badUpstream } from '../../http/errors.ts';
import { estimateTokens } from './prompt.ts';

const inputsOf = embeddingTexts;

export function toTei(req: EmbeddingsRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { inputs: inputsOf(req), normalize: true, truncate: false };
  embeddingFormat(req);
  const dims = requestedDimensions(req);
  if (dims !== undefined) body.dimensions = dims;
  return body;
}

export function fromTei(json: unknown, status: number, req: EmbeddingsRequest): EmbeddingsResponse {
  if (!Array.isArray(json) || !json.every(Array.isArray)) throw badUpstream('the body is not a list of vectors', status);
  const tokens = inputsOf(req).reduce((n, s) => n + estimateTokens(s), 0);
  return {
    object: 'list',
    model: req.model,
    data: embeddingsData(req, json as number[][], status),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
