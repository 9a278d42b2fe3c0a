/**
 * The one way to read the text of a chat message, for every plugin and engine part that
 * needs it (token counts, routing rules, the cache key, the content filter, limits).
 * Bodies reach plugins as the client sent them: the codecs check only the outline, and
 * the `validation` plugin may not be in the pipeline, so a message may be null, its
 * content a number, a part `null` or `{ "type": "text", "text": 42 }`. These readers take
 * `unknown` and never throw: what is not text is simply not text.
 *
 * @example
 *   contentText([{ type: 'text', text: 'a' }, null, { type: 'image_url' }, { type: 'text', text: 'b' }]); // 'ab'
 *   textOnly([{ type: 'text', text: 'a' }, { type: 'image_url' }]); // undefined
 */

/** A text part, `{ type: 'text', text: <string> }`, and nothing else. */
export interface TextPartLike {
  type: 'text';
  text: string;
}

/** A message-shaped value: an object (not an array, not null); its fields still unchecked. */
export interface MessageLike {
  role?: unknown;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  [k: string]: unknown;
}

export function isTextPart(p: unknown): p is TextPartLike {
  return p !== null && typeof p === 'object' && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string';
}

export function isMessage(m: unknown): m is MessageLike {
  return m !== null && typeof m === 'object' && !Array.isArray(m);
}

/** The parts of an array content that are objects (a `null` or a bare string part is skipped). */
export function isPart(p: unknown): p is { type?: unknown; [k: string]: unknown } {
  return p !== null && typeof p === 'object' && !Array.isArray(p);
}

/**
 * All the text of a content: a string as it is, the non-empty text parts of an array
 * joined with `separator` (other parts skipped), '' for anything else.
 */
export function contentText(content: unknown, separator = ''): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let s = '';
  for (let i = 0; i < content.length; i++) {
    const p: unknown = content[i];
    if (isTextPart(p) && p.text) s += s ? separator + p.text : p.text;
  }
  return s;
}

/**
 * The text of a content made only of text (a string, or an array whose every part is a
 * text part), joined with `separator`; undefined when anything else is in it.
 */
export function textOnly(content: unknown, separator = ''): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  for (let i = 0; i < content.length; i++) if (!isTextPart(content[i])) return undefined;
  return contentText(content, separator);
}

/** The message's role when it is a string, else ''. */
export function roleOf(m: unknown): string {
  return isMessage(m) && typeof m.role === 'string' ? m.role : '';
}

/** `body.messages` when it is an array, else an empty list. */
export function messagesOf(body: unknown): readonly unknown[] {
  const msgs = body !== null && typeof body === 'object' ? (body as { messages?: unknown }).messages : undefined;
  return Array.isArray(msgs) ? msgs : [];
}
