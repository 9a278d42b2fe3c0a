/**
 * Canonical ChatCompletion → Anthropic Message (id, type 'message', role, content
 * blocks text/tool_use, stop_reason, usage with cache fields).
 *
 * @example
 *   encodeAnthropicMessage(completion) // { id, type: 'message', role: 'assistant', content: [{ type: 'text', text }], … }
 */
import type { ChatCompletion } from '../../openai-types.ts';
import { stopReasonOf, usageToAnthropic } from '../../../plugins-builtin/provider/adapters/anthropic/mapping.ts';

/** Anthropic message ids start with `msg_`; an id from another provider gets the prefix. */
export function anthropicMessageId(id: string | undefined): string {
  if (!id) return `msg_${Date.now().toString(36)}`;
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

export function encodeAnthropicMessage(body: ChatCompletion): Record<string, unknown> {
  const choice = body.choices?.[0];
  const msg = choice?.message;
  const content: Array<Record<string, unknown>> = [];
  const text =
    typeof msg?.content === 'string'
      ? msg.content
      : Array.isArray(msg?.content)
        ? msg.content.map((p) => (p.type === 'text' ? (p as { text: string }).text : '')).join('')
        : '';
  if (text) content.push({ type: 'text', text });
  for (const tc of msg?.tool_calls ?? []) content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseArgs(tc.function.arguments) });
  if (content.length === 0) content.push({ type: 'text', text: '' });
  return {
    id: anthropicMessageId(body.id),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: usageToAnthropic(body.usage),
  };
}

/** Tool arguments as an object; a model that emitted broken JSON gets it wrapped, not dropped. */
export function parseArgs(args: string): unknown {
  if (!args) return {};
  try {
    return JSON.parse(args);
  } catch {
    return { _raw: args };
  }
}
