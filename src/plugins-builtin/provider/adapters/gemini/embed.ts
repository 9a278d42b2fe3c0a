/**
 * Canonical embeddings ↔ Gemini embedContent (one input) / batchEmbedContents (many).
 * `dimensions` is Gemini's `outputDimensionality`; floats come back and base64 is encoded
 * here. Gemini reports no token count for embeddings, so usage is estimated (≈ 4
 * chars/token).
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../engine/openai-types.ts';
import { expectObject } from '../../http/parse.ts';
import { badUpstream } from '../../http/errors.ts';
import { embeddingFormat, embeddingsBody, embeddingTexts, estimateEmbeddingTokens, requestedDimensions } from '../shared/embeddings.ts';

export function toGeminiEmbed(req: EmbeddingsRequest, resource: string): { batch: boolean; body: Record<string, unknown> } {
  const t = embeddingTexts(req);
  embeddingFormat(req);
  const dims = requestedDimensions(req);
  const one = (text: string) => ({ model: resource, content: { parts: [{ text }] }, ...(dims ? { outputDimensionality: dims } : {}) });
  return t.length === 1 && !Array.isArray(req.input) ? { batch: false, body: one(t[0]!) } : { batch: true, body: { requests: t.map(one) } };
}

export function fromGeminiEmbed(json: unknown, status: number, req: EmbeddingsRequest): EmbeddingsResponse {
  const r = expectObject(json, 'a Gemini embedding response', status);
  const list = (r.embeddings as Array<{ values: number[] }> | undefined) ?? (r.embedding ? [r.embedding as { values: number[] }] : undefined);
  if (!Array.isArray(list) || list.some((e) => !Array.isArray(e?.values))) throw badUpstream('the response has no embedding values', status);
  return embeddingsBody(
    req,
    list.map((e) => e.values),
    estimateEmbeddingTokens(embeddingTexts(req)),
    status,
  );
}
