/**
 * Canonical (Chat Completions) answers → Responses API objects: output items (`message`
 * with `output_text` / `refusal` parts, `function_call` with the upstream's call id),
 * usage in the Responses spelling, the status (`incomplete` with its reason when the
 * answer was cut) and the Response object around them. Shared by the JSON encoder and the
 * stream encoder, so both send the same objects.
 *
 * @example
 *   const output = outputItems(completion.choices[0].message, base, 'stop');
 *   const response = responseObject(turn, { model, output, usage: completion.usage, finish: 'stop' });
 */
import type { ChatMessage, FinishReason, Usage } from '../../openai-types.ts';
import type { FunctionCallItem, ItemStatus, MessageItem, OutputItem, ResponseObject, ResponsesUsage } from '../../responses/types.ts';
import type { Turn } from './responses-turn.ts';
import { itemId } from '../../responses/ids.ts';

/** A finish reason that cut the answer short, as the Responses API names it. */
export function incompleteReason(finish: FinishReason): 'max_output_tokens' | 'content_filter' | undefined {
  return finish === 'length' ? 'max_output_tokens' : finish === 'content_filter' ? 'content_filter' : undefined;
}

export const itemStatus = (finish: FinishReason): ItemStatus => (incompleteReason(finish) ? 'incomplete' : 'completed');

export function usageToResponses(u: Usage): ResponsesUsage {
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: {
      cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: u.prompt_tokens_details?.cache_creation_tokens ?? 0,
    },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

export function messageItem(id: string, text: string, status: ItemStatus, refusal?: string): MessageItem {
  const content: MessageItem['content'] = [];
  if (text || !refusal) content.push({ type: 'output_text', text, annotations: [], logprobs: [] });
  if (refusal) content.push({ type: 'refusal', refusal });
  return { type: 'message', id, status, role: 'assistant', content };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: ItemStatus): FunctionCallItem {
  return { type: 'function_call', id, status, call_id: callId, name, arguments: args };
}

const textOf = (m: ChatMessage): string =>
  typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => (p.type === 'text' ? String(p.text) : '')).join('') : '';

/** The output items of one canonical assistant message: its text (if any, or if nothing else), then its tool calls. */
export function outputItems(m: ChatMessage | undefined, base: string, finish: FinishReason): OutputItem[] {
  const items: OutputItem[] = [];
  const status = itemStatus(finish);
  const text = m ? textOf(m) : '';
  const refusal = typeof m?.refusal === 'string' && m.refusal ? m.refusal : undefined;
  const calls = m?.tool_calls ?? [];
  if (text || refusal || calls.length === 0) items.push(messageItem(itemId('msg', base, 0), text, status, refusal));
  for (const tc of calls) {
    const n = items.length;
    items.push(functionCallItem(itemId('fc', base, n), tc.id || `call_${base}_${n}`, tc.function.name, tc.function.arguments ?? '', status));
  }
  return items;
}

/** Concatenated output_text of the output (the SDKs' `output_text`). */
export function outputText(output: readonly OutputItem[]): string {
  let s = '';
  for (const it of output) if (it.type === 'message') for (const c of it.content) if (c.type === 'output_text') s += c.text;
  return s;
}

export interface Outcome {
  model: string;
  output: OutputItem[];
  usage?: Usage;
  finish: FinishReason;
}

/** The Response object of a turn: in progress (no outcome yet) or finished. */
export function responseObject(turn: Turn, outcome?: Outcome): ResponseObject {
  const reason = outcome ? incompleteReason(outcome.finish) : undefined;
  const done = outcome !== undefined;
  const r: ResponseObject = {
    id: turn.id,
    object: 'response',
    created_at: turn.createdAt,
    status: !done ? 'in_progress' : reason ? 'incomplete' : 'completed',
    completed_at: done && !reason ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: reason ? { reason } : null,
    model: outcome?.model || turn.model,
    output: outcome?.output ?? [],
    output_text: outcome ? outputText(outcome.output) : '',
    ...turn.echo,
  };
  if (outcome?.usage) r.usage = usageToResponses(outcome.usage);
  return r;
}

/** The canonical assistant message an output stands for (what a follow-up sends back). */
export function assistantMessage(output: readonly OutputItem[]): ChatMessage {
  let text = '';
  const calls: NonNullable<ChatMessage['tool_calls']> = [];
  for (const it of output) {
    if (it.type === 'function_call') calls.push({ id: it.call_id, type: 'function', function: { name: it.name, arguments: it.arguments } });
    else for (const c of it.content) text += c.type === 'output_text' ? c.text : c.refusal;
  }
  const m: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) m.tool_calls = calls;
  return m;
}
