/**
 * Canonical ↔ Cohere Chat v2 and Embed v2. Chat v2's messages are close to OpenAI's
 * (roles, tool_calls, tool_call_id); the differences are parameter names, the content
 * array of the answer, upper-case finish reasons and usage under `tokens`/`billed_units`.
 *
 * @example
 *   toCohereChat({ model: 'command-r', messages: [{ role: 'user', content: 'Hi' }], top_p: 0.9 })
 *   // { model: 'command-r', messages: [{ role: 'user', content: 'Hi' }], p: 0.9 }
 */
import type { ChatCompletion, ChatRequest, EmbeddingsRequest, EmbeddingsResponse, FinishReason, ToolCall, Usage } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { expectObject } from '../../http/parse.ts';
import { badUpstream } from '../../http/errors.ts';
import { makeUsage } from '../shared/chunks.ts';
import { embeddingFormat, embeddingsBody, embeddingTexts, estimateEmbeddingTokens, requestedDimensions } from '../shared/embeddings.ts';

export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
}

const FINISH: Record<string, FinishReason> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR: 'stop',
  TIMEOUT: 'length',
};
export const cohereFinish = (r: string | undefined): FinishReason => (r ? (FINISH[r.toUpperCase()] ?? 'stop') : 'stop');

/** `tokens` are what the model processed; `billed_units` what is charged. Prefer the former, as OpenAI reports. */
export function cohereUsage(u: CohereUsage | undefined): Usage {
  const t = u?.tokens ?? u?.billed_units;
  return makeUsage(t?.input_tokens ?? 0, t?.output_tokens ?? 0);
}

export function toCohereChat(req: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {
    model: req.model,
    messages: req.messages.map((m) => {
      const msg: Record<string, unknown> = { role: m.role === 'developer' ? 'system' : m.role };
      if (m.content !== null && m.content !== undefined) msg.content = m.content;
      if (m.tool_calls?.length) msg.tool_calls = m.tool_calls;
      if (m.tool_call_id) msg.tool_call_id = m.tool_call_id;
      return msg;
    }),
  };
  if (req.stream) out.stream = true;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) out.max_tokens = max;
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.p = req.top_p;
  if (typeof req.top_k === 'number') out.k = req.top_k;
  if (req.seed != null) out.seed = req.seed;
  if (req.stop != null) out.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (typeof req.frequency_penalty === 'number') out.frequency_penalty = req.frequency_penalty;
  if (typeof req.presence_penalty === 'number') out.presence_penalty = req.presence_penalty;
  toolsOf(req, out);
  if (req.response_format?.type === 'json_object') out.response_format = { type: 'json_object' };
  else if (req.response_format?.type === 'json_schema') {
    out.response_format = { type: 'json_object', json_schema: (req.response_format.json_schema as { schema?: unknown } | undefined)?.schema };
  }
  return out;
}

/**
 * Chat v2's tool_choice is only REQUIRED or NONE, so a named function is forced by offering
 * that tool alone with REQUIRED (the model must call one of the tools it is given).
 */
function toolsOf(req: ChatRequest, out: Record<string, unknown>): void {
  const tc = req.tool_choice;
  if (tc && typeof tc === 'object') {
    const name = (tc as { function?: { name?: unknown } }).function?.name;
    const tool = req.tools?.find((t) => t.function.name === name);
    if (!tool) throw gatewayError('GW_ERR_INVALID_REQUEST', { param: 'tool_choice', message: 'tool_choice must name a function offered in tools.' });
    out.tools = [tool];
    out.tool_choice = 'REQUIRED';
    return;
  }
  if (req.tools?.length) out.tools = req.tools;
  if (tc === 'required') out.tool_choice = 'REQUIRED';
  else if (tc === 'none') out.tool_choice = 'NONE';
}

export function fromCohereChat(json: unknown, status: number): ChatCompletion {
  const r = expectObject(json, 'a Cohere chat response', status);
  const m = r.message as { content?: Array<{ type: string; text?: string }>; tool_calls?: ToolCall[] } | undefined;
  if (!m || typeof m !== 'object') throw badUpstream('the response has no message', status);
  const text = (m.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text ?? '')
    .join('');
  const message: ChatCompletion['choices'][0]['message'] = { role: 'assistant', content: text || (m.tool_calls?.length ? null : '') };
  if (m.tool_calls?.length)
    message.tool_calls = m.tool_calls.map((t) => ({
      id: t.id,
      type: 'function',
      function: { name: t.function.name, arguments: t.function.arguments ?? '{}' },
    }));
  return {
    id: String(r.id ?? ''),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: '',
    choices: [{ index: 0, message, finish_reason: cohereFinish(r.finish_reason as string | undefined) }],
    usage: cohereUsage(r.usage as CohereUsage | undefined),
  };
}

/** Embed v2's `output_dimension` takes these sizes (embed-v4.0 and later). */
const COHERE_DIMENSIONS = [256, 512, 1024, 1536];

/** Floats are always asked for: base64 is encoded here, exactly as OpenAI encodes it. */
export function toCohereEmbed(req: EmbeddingsRequest, inputType: string): Record<string, unknown> {
  const texts = embeddingTexts(req);
  embeddingFormat(req);
  const out: Record<string, unknown> = { model: req.model, texts, input_type: inputType, embedding_types: ['float'] };
  const dims = requestedDimensions(req);
  if (dims !== undefined) {
    if (!COHERE_DIMENSIONS.includes(dims)) {
      throw gatewayError('GW_ERR_INVALID_REQUEST', { param: 'dimensions', message: `Cohere embeddings take dimensions ${COHERE_DIMENSIONS.join(', ')}.` });
    }
    out.output_dimension = dims;
  }
  return out;
}

export function fromCohereEmbed(json: unknown, status: number, req: EmbeddingsRequest): EmbeddingsResponse {
  const r = expectObject(json, 'a Cohere embed response', status);
  const vectors = (r.embeddings as { float?: number[][] } | undefined)?.float;
  if (!Array.isArray(vectors)) throw badUpstream('the response has no float embeddings', status);
  const billed = (r.meta as { billed_units?: { input_tokens?: number } } | undefined)?.billed_units?.input_tokens;
  return embeddingsBody(req, vectors, billed ?? estimateEmbeddingTokens(embeddingTexts(req)), status);
}
