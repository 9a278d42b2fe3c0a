/**
 * Hugging Face's hosted serverless Inference API (POST /models/{model}, text-generation
 * task). It cannot stream: when a client asks for a stream, the full answer is replayed
 * as a short canonical stream (role, text, finish, usage). It reports no token counts,
 * so usage is an estimate (≈ 4 chars/token).
 */
import type { ChatCompletion, ChatRequest } from '../../../../engine/openai-types.ts';
import type { StreamEvent } from '../../../../engine/types.ts';
import { badUpstream } from '../../http/errors.ts';
import { chunkFactory, makeUsage } from '../shared/chunks.ts';
import { generationParameters, plainPrompt, estimateTokens } from './prompt.ts';

export function toServerless(req: ChatRequest): { prompt: string; body: Record<string, unknown> } {
  const prompt = plainPrompt(req);
  return { prompt, body: { inputs: prompt, parameters: generationParameters(req), options: { wait_for_model: true } } };
}

export function fromServerless(json: unknown, status: number, model: string, prompt: string): ChatCompletion {
  const first = Array.isArray(json) ? json[0] : json;
  const text = (first as { generated_text?: unknown } | undefined)?.generated_text;
  if (typeof text !== 'string') throw badUpstream('the response has no generated_text', status);
  return {
    id: `hf-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: makeUsage(estimateTokens(prompt), estimateTokens(text)),
  };
}

/** A finished completion replayed as canonical stream events. */
export async function* emulatedStream(c: ChatCompletion): AsyncGenerator<StreamEvent> {
  const f = chunkFactory(c.id, c.model, c.created);
  yield f.delta({ role: 'assistant', content: '' });
  const text = c.choices[0]?.message.content;
  if (typeof text === 'string' && text) yield f.delta({ content: text });
  yield f.finish(c.choices[0]?.finish_reason ?? 'stop');
  if (c.usage) yield f.usage(c.usage);
}
