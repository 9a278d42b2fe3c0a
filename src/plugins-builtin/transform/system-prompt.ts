/**
 * The `system_prompt` operation on a canonical chat body (what /v1/chat/completions and
 * /v1/messages both carry in ctx.body). A "system message" is one with role `system` or
 * `developer` (OpenAI's newer name for it).
 *
 * @example
 *   const edit = systemPromptEdit({ prepend: 'Be brief.', separator: '\n\n' });
 *   edit([{ role: 'system', content: 'You help.' }]);   // [{ role: 'system', content: 'Be brief.\n\nYou help.' }]
 */
import type { ChatMessage, ContentPart } from '../../engine/openai-types.ts';

export interface SystemPromptConfig {
  prepend?: string;
  append?: string;
  replace?: string;
  separator: string;
}

/** Returns the new message list (the same array, edited in place, or a new one for replace). */
export type SystemPromptEdit = (messages: ChatMessage[]) => ChatMessage[];

const isSystem = (m: ChatMessage | undefined): boolean => m?.role === 'system' || m?.role === 'developer';

export function systemPromptEdit(c: Readonly<SystemPromptConfig>): SystemPromptEdit {
  if (c.replace !== undefined) {
    const text = c.replace;
    return function replaceSystemPrompt(messages) {
      const rest = messages.filter((m) => !isSystem(m));
      rest.unshift({ role: 'system', content: text });
      return rest;
    };
  }
  const before = c.prepend,
    after = c.append,
    sep = c.separator;
  const alone = [before, after].filter((t) => t !== undefined).join(sep);
  return function editSystemPrompt(messages) {
    const first = messages.find(isSystem);
    if (!first) {
      messages.unshift({ role: 'system', content: alone });
      return messages;
    }
    const content = first.content;
    if (Array.isArray(content) && content.length) {
      // Content parts (images are not allowed in system messages, text parts are): keep
      // the parts as they are and add text parts around them.
      const parts: ContentPart[] = [...content];
      if (before !== undefined) parts.unshift({ type: 'text', text: before + sep });
      if (after !== undefined) parts.push({ type: 'text', text: sep + after });
      first.content = parts;
    } else {
      const text = typeof content === 'string' ? content : '';
      // An empty prompt gets no dangling separator.
      first.content = text === '' ? alone : (before !== undefined ? before + sep : '') + text + (after !== undefined ? sep + after : '');
    }
    return messages;
  };
}
