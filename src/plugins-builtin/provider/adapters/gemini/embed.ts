/**
 * Canonical embeddings ↔ Gemini embedContent (one input) / batchEmbedContents (many).
 * Gemini reports no token count for embeddings, so usage is estimated (≈ 4 chars/token).
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../engine/openai-types.ts';
import { expectObject } from '../../http/parse.ts';
import { badUpstream } from '../../http/errors.ts';

const texts = (req: EmbeddingsRequest): string[] =>
  (Array.isArray(req.input) ? req.input : [req.input]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));

export function toGeminiEmbed(req: EmbeddingsRequest, resource: string): { batch: boolean; body: Record<string, unknown> } {
  const t = texts(req);
  const one = (text: string) => ({ model: resource, content: { parts: [{ text }] }, ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}) });
  return t.length === 1 && !Array.isArray(req.input) ? { batch: false, body: one(t[0]!) } : { batch: true, body: { requests: t.map(one) } };
}

export function fromGeminiEmbed(json: unknown, status: number, req: EmbeddingsRequest): EmbeddingsResponse {
  const r = expectObject(json, 'a Gemini embedding response', status);
  const list = (r.embeddings as Array<{ values: number[] }> | undefined) ?? (r.embedding ? [r.embedding as { values: number[] }] : undefined);
  if (!Array.isArray(list) || list.some((e) => !Array.isArray(e?.values))) throw badUpstream('the response has no embedding values', status);
  const tokens = texts(req).reduce((n, s) => n + Math.ceil(s.length / 4), 0);
  return {
    object: 'list',
    model: req.model,
    data: list.map((e, index) => ({ object: 'embedding', index, embedding: e.values })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
