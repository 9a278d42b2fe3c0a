/**
 * The mock's answer from its plan, with the request's limits applied the way OpenAI
 * applies them: `stop` cuts the text before the first stop sequence, `max_tokens` /
 * `max_completion_tokens` truncates it (`finish_reason: length`), `n` repeats the choice.
 * A mock token is a whitespace-separated word, so usage is easy to predict.
 *
 * @example
 *   shapeAnswer(req, { text: 'a b c' }) // { choice: { content: 'a b', finish: 'length', tokens: 2 }, n: 1, usage }
 */
import { createHash } from 'node:crypto';
import type { ChatCompletion, ChatRequest, FinishReason, ToolCall, Usage } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import type { Plan } from './plan.ts';

export interface MockChoice {
  content: string | null;
  toolCall?: ToolCall;
  finish: FinishReason;
  tokens: number;
}

export interface MockAnswer {
  id: string;
  created: number;
  choice: MockChoice;
  n: number;
  usage: Usage;
}

const WORD = /\S+/g;
export const countWords = (s: string): number => (s.match(WORD) ?? []).length;

const invalid = (param: string, message: string) => gatewayError('GW_ERR_INVALID_REQUEST', { param, message });

export function shapeAnswer(req: ChatRequest, plan: Plan): MockAnswer {
  const n = req.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 128) throw invalid('n', 'n must be an integer from 1 to 128.');
  const choice = plan.toolCall
    ? { content: null, toolCall: plan.toolCall, finish: 'tool_calls' as const, tokens: 1 + countWords(plan.toolCall.function.arguments) }
    : limitText(plan.text, req);
  const prompt = promptWords(req);
  const completion = choice.tokens * n;
  const id =
    'chatcmpl-mock-' +
    createHash('sha1')
      .update(choice.content ?? choice.toolCall?.function.arguments ?? '')
      .digest('hex')
      .slice(0, 12);
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    choice,
    n,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

function limitText(full: string, req: ChatRequest): MockChoice {
  let text = full;
  let finish: FinishReason = 'stop';
  const stops = req.stop == null ? [] : Array.isArray(req.stop) ? req.stop : [req.stop];
  for (const s of stops) {
    const at = typeof s === 'string' && s ? text.indexOf(s) : -1;
    if (at !== -1) text = text.slice(0, at);
  }
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) {
    if (!Number.isInteger(max) || max < 0)
      throw invalid(req.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens', 'Must be a non-negative integer.');
    const words = [...text.matchAll(WORD)];
    if (words.length > max) {
      const last = words[max - 1];
      text = last ? text.slice(0, last.index + last[0].length) : '';
      finish = 'length';
    }
  }
  return { content: text, finish, tokens: countWords(text) };
}

/** Words of the prompt: string contents counted, any other content 1. */
function promptWords(req: ChatRequest): number {
  let n = 0;
  for (const m of req.messages) n += typeof m.content === 'string' ? countWords(m.content) : 1;
  return n;
}

/** The non-streamed body, with every field OpenAI's spec requires (`logprobs`, `refusal`). */
export function completionBody(a: MockAnswer, model: string): ChatCompletion {
  const message: ChatCompletion['choices'][0]['message'] = { role: 'assistant', content: a.choice.content, refusal: null };
  if (a.choice.toolCall) message.tool_calls = [a.choice.toolCall];
  const choices = Array.from({ length: a.n }, (_, index) => ({ index, message, finish_reason: a.choice.finish, logprobs: null }));
  return { id: a.id, object: 'chat.completion', created: a.created, model, choices, usage: a.usage };
}
