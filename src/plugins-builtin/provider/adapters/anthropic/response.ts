/**
 * Anthropic Message → canonical ChatCompletion: text blocks joined, tool_use blocks as
 * tool_calls, stop_reason → finish_reason, usage with cache figures.
 */
import type { ChatCompletion, ToolCall } from '../../../../engine/openai-types.ts';
import { badUpstream } from '../../http/errors.ts';
import { expectObject } from '../../http/parse.ts';
import { finishReasonOf, usageFromAnthropic, type AnthropicUsage } from './mapping.ts';

interface AnthropicBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  thinking?: string;
}

/** @example fromAnthropicMessage({ id: 'msg_1', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage: {…} }, 200) */
export function fromAnthropicMessage(json: unknown, status: number): ChatCompletion {
  const msg = expectObject(json, 'an Anthropic message', status);
  if (!Array.isArray(msg.content)) throw badUpstream('the message has no content', status);
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const b of msg.content as AnthropicBlock[]) {
    if (b.type === 'text') text += b.text ?? '';
    else if (b.type === 'thinking') reasoning += b.thinking ?? '';
    else if (b.type === 'tool_use')
      toolCalls.push({ id: b.id ?? '', type: 'function', function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) } });
  }
  const message: ChatCompletion['choices'][0]['message'] = { role: 'assistant', content: text || (toolCalls.length ? null : '') };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (reasoning) message.reasoning_content = reasoning;
  return {
    id: String(msg.id ?? ''),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(msg.model ?? ''),
    choices: [{ index: 0, message, finish_reason: finishReasonOf(msg.stop_reason as string | null) }],
    usage: usageFromAnthropic(msg.usage as AnthropicUsage | undefined),
  };
}
