/**
 * What the text-generation endpoints without a chat route need: one prompt string, and
 * token estimates where Hugging Face reports no counts.
 */
import type { ChatRequest } from '../../../../engine/openai-types.ts';
import { textOf } from '../shared/chunks.ts';

/**
 * A plain role-prefixed transcript ending with `assistant:`. Models with a chat template
 * answer better through TGI's OpenAI route (`options.tgi_route: openai`, the default).
 *
 * @example plainPrompt({ messages: [{ role: 'user', content: 'Hi' }] }) // 'user: Hi\nassistant:'
 */
export function plainPrompt(req: Pick<ChatRequest, 'messages'>): string {
  let s = '';
  for (const m of req.messages) s += `${m.role}: ${textOf(m.content)}\n`;
  return s + 'assistant:';
}

/** The engine's one token estimate (≈ 4 characters per token), used only where the provider reports nothing. */
export { estimateTokens } from '../../../../engine/tokens/estimate.ts';

/** The text-generation `parameters` shared by TGI's /generate and the serverless API. */
export function generationParameters(req: ChatRequest): Record<string, unknown> {
  const p: Record<string, unknown> = { return_full_text: false };
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) p.max_new_tokens = max;
  // TGI rejects temperature 0; greedy decoding is do_sample false.
  if (req.temperature != null && req.temperature > 0) {
    p.temperature = req.temperature;
    p.do_sample = true;
  }
  if (req.top_p != null && req.top_p < 1) p.top_p = req.top_p;
  if (typeof req.top_k === 'number') p.top_k = req.top_k;
  if (req.stop != null) p.stop = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.seed != null) p.seed = req.seed;
  return p;
}
