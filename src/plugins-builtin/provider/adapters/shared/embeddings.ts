/**
 * What every adapter whose upstream is not OpenAI needs to answer /v1/embeddings exactly
 * as OpenAI does: the inputs as texts, `dimensions` checked, the upstream's vectors
 * checked against it, and `encoding_format` honoured — `base64` is little-endian float32,
 * byte for byte what OpenAI sends (the openai SDK asks for it by default and decodes it;
 * a float array where it expects base64 decodes to garbage).
 *
 * @example
 *   const texts = embeddingTexts(req);
 *   return embeddingsBody(req, vectorsFromUpstream, usageTokens);
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { estimateTokens } from '../../../../engine/tokens/estimate.ts';
import { badUpstream } from '../../http/errors.ts';

export type EmbeddingFormat = 'float' | 'base64';

const invalid = (param: string, message: string) => gatewayError('GW_ERR_INVALID_REQUEST', { param, message });

const isTokens = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every((t) => Number.isInteger(t));

/** The inputs, one per embedding: texts, or token-id arrays (`input: [1, 2]` is one input). */
export function embeddingInputs(req: EmbeddingsRequest): Array<string | number[]> {
  const input: unknown = req.input;
  const list: unknown[] = typeof input === 'string' || isTokens(input) ? [input] : Array.isArray(input) ? input : [];
  if (list.length === 0) throw invalid('input', 'input must be a non-empty string, array of strings, or array of token arrays.');
  for (const x of list) if (typeof x !== 'string' && !isTokens(x)) throw invalid('input', 'Each input must be a string or an array of token ids.');
  return list as Array<string | number[]>;
}

/** The inputs as texts. Token ids are OpenAI's alone: other upstreams take text. */
export function embeddingTexts(req: EmbeddingsRequest): string[] {
  const list = embeddingInputs(req);
  for (const x of list) {
    if (typeof x !== 'string') {
      throw invalid('input', 'This provider embeds text, not token ids: send strings (LangChain for Python: check_embedding_ctx_length=False).');
    }
  }
  return list as string[];
}

/** `encoding_format`, default float; anything else is a 400 naming it. */
export function embeddingFormat(req: EmbeddingsRequest): EmbeddingFormat {
  const f = req.encoding_format;
  if (f === undefined || f === null || f === 'float') return 'float';
  if (f === 'base64') return 'base64';
  throw invalid('encoding_format', "encoding_format must be 'float' or 'base64'.");
}

/** `dimensions` when given: a positive integer (at most `max`), else a 400 naming it. */
export function requestedDimensions(req: EmbeddingsRequest, max = 65_536): number | undefined {
  const d = req.dimensions;
  if (d === undefined || d === null) return undefined;
  if (!Number.isInteger(d) || d < 1 || d > max) throw invalid('dimensions', `dimensions must be an integer from 1 to ${max}.`);
  return d;
}

/** A vector as OpenAI's base64: its float32 values, little-endian, concatenated. */
export function float32Base64(v: readonly number[]): string {
  const b = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i]!, i * 4);
  return b.toString('base64');
}

/** ≈ 4 characters per token, for upstreams that report no count for embeddings. */
export const estimateEmbeddingTokens = (texts: readonly string[]): number => texts.reduce((n, t) => n + estimateTokens(t.length), 0);

/**
 * The `data` list from the upstream's vectors, one per input, in the requested encoding.
 * A model that ignored `dimensions` (answered another size) is a 400 naming it, never a
 * vector of the wrong size.
 */
export function embeddingsData(req: EmbeddingsRequest, vectors: readonly (readonly number[])[], status = 200): EmbeddingsResponse['data'] {
  const format = embeddingFormat(req);
  const dims = requestedDimensions(req);
  const inputs = embeddingInputs(req).length;
  if (vectors.length !== inputs) throw badUpstream(`${vectors.length} embeddings for ${inputs} inputs`, status);
  const data: EmbeddingsResponse['data'] = [];
  for (let index = 0; index < vectors.length; index++) {
    const v = vectors[index]!;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw badUpstream('an embedding is not a list of numbers', status);
    if (dims !== undefined && v.length !== dims) {
      throw invalid('dimensions', `This model does not support dimensions=${dims}: it answered ${v.length}-dimensional embeddings.`);
    }
    data.push({ object: 'embedding', index, embedding: format === 'base64' ? float32Base64(v) : (v as number[]) });
  }
  return data;
}

/** The whole OpenAI-shaped answer: embeddingsData plus model and usage. */
export function embeddingsBody(req: EmbeddingsRequest, vectors: readonly (readonly number[])[], promptTokens: number, status = 200): EmbeddingsResponse {
  return { object: 'list', data: embeddingsData(req, vectors, status), model: req.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}
