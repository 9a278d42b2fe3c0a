/**
 * Text Embeddings Inference: POST /embed `{ inputs }` → `[[…], …]`. TEI reports no
 * token counts, so usage is an estimate (≈ 4 chars/token).
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../engine/openai-types.ts';
import { badUpstream } from '../../http/errors.ts';
import { estimateTokens } from './prompt.ts';

const inputsOf = (req: EmbeddingsRequest): string[] =>
  (Array.isArray(req.input) ? req.input : [req.input]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));

export function toTei(req: EmbeddingsRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { inputs: inputsOf(req), normalize: true, truncate: false };
  if (req.dimensions) body.dimensions = req.dimensions;
  return body;
}

export function fromTei(json: unknown, status: number, req: EmbeddingsRequest): EmbeddingsResponse {
  if (!Array.isArray(json) || !json.every(Array.isArray)) throw badUpstream('the body is not a list of vectors', status);
  const tokens = inputsOf(req).reduce((n, s) => n + estimateTokens(s), 0);
  return {
    object: 'list',
    model: req.model,
    data: (json as number[][]).map((embedding, index) => ({ object: 'embedding', index, embedding })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
