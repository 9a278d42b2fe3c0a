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
  msg?.tool_calls?.forEach((tc, i) =>
    content.push({ type: 'tool_use', id: toolUseId(tc.id, i), name: tc.function.name, input: parseArgs(tc.function.arguments) }),
  );
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

/**
 * A tool_use id as Anthropic spells them (`^[a-zA-Z0-9_-]+$`): another provider's id with
 * other characters replaced, or one made from the call's index when it has none. The
 * client sends it back in both the assistant turn and the tool_result, so it stays paired.
 */
export function toolUseId(id: string | undefined, index: number): string {
  return id ? id.replace(/[^a-zA-Z0-9_-]/g, '_') : `toolu_${index}`;
}

/** Tool arguments as an object (Anthropic's `input` is one); anything else is wrapped, not dropped. */
export function parseArgs(args: string): unknown {
  if (!args) return {};
  try {
    const input: unknown = JSON.parse(args);
    if (input && typeof input === 'object' && !Array.isArray(input)) return input;
  } catch {
    // a model that emitted broken JSON
  }
  return { _raw: args };
}
