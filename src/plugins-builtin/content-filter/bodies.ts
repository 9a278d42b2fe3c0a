/**
 * Where the text is in each body, and copy-on-write rewrites of it: chat messages'
 * `content` (a string, or the `text` of text parts — images and other parts are left
 * alone), embeddings' `input` (a string or strings; token arrays are not text), and a
 * completion's `choices[].message.content`. Nothing is changed in place: the client's
 * parsed body and the upstream's answer may be held by other plugins. The body may be
 * unvalidated: what is not a message or a text part (null, a number) is not text
 * (engine/message-text.ts decides, for every plugin).
 */
import type { ChatCompletion, ChatMessage, ContentPart } from '../../engine/openai-types.ts';
import type { Rule } from './rules.ts';
import { isMessage, isTextPart } from '../../engine/message-text.ts';

/** Scans one text: the same string, a rewritten one, or the Rule that blocks it. */
export type TextFilter = (text: string) => string | Rule;

/** A body's outcome: `body` (the input itself when unchanged), or the rule and field that blocked it. */
export type Filtered<T> = { body: T; blocked?: undefined } | { blocked: Rule; param: string };

type Parts = ContentPart[];

function filterParts(parts: Parts, f: TextFilter, at: string): Parts | { blocked: Rule; param: string } {
  let out: Parts | undefined;
  for (let j = 0; j < parts.length; j++) {
    const p: unknown = parts[j];
    if (!isTextPart(p)) continue;
    const r = f(p.text);
    if (typeof r !== 'string') return { blocked: r, param: `${at}[${j}].text` };
    if (r !== p.text) (out ??= parts.slice())[j] = { ...p, text: r } as ContentPart;
  }
  return out ?? parts;
}

/** A message's content filtered; `content` itself when unchanged. */
function filterContent(content: ChatMessage['content'], f: TextFilter, at: string): ChatMessage['content'] | { blocked: Rule; param: string } {
  if (typeof content === 'string') {
    const r = f(content);
    return typeof r === 'string' ? r : { blocked: r, param: at };
  }
  return Array.isArray(content) ? filterParts(content, f, at) : content;
}

const isBlocked = (v: unknown): v is { blocked: Rule; param: string } => v !== null && typeof v === 'object' && 'blocked' in v;

export function filterChatRequest<T extends { messages?: unknown }>(body: T, f: TextFilter): Filtered<T> {
  const messages = body.messages;
  if (!Array.isArray(messages)) return { body };
  let out: ChatMessage[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isMessage(m)) continue;
    const c = filterContent(m.content as ChatMessage['content'], f, `messages[${i}].content`);
    if (isBlocked(c)) return c;
    if (c !== m.content) (out ??= messages.slice())[i] = { ...m, content: c };
  }
  return { body: out ? { ...body, messages: out } : body };
}

export function filterEmbeddingsRequest<T extends { input?: unknown }>(body: T, f: TextFilter): Filtered<T> {
  const input = body.input;
  if (typeof input === 'string') {
    const r = f(input);
    if (typeof r !== 'string') return { blocked: r, param: 'input' };
    return { body: r === input ? body : { ...body, input: r } };
  }
  if (!Array.isArray(input)) return { body };
  let out: unknown[] | undefined;
  for (let i = 0; i < input.length; i++) {
    const s = input[i];
    if (typeof s !== 'string') continue;
    const r = f(s);
    if (typeof r !== 'string') return { blocked: r, param: `input[${i}]` };
    if (r !== s) (out ??= input.slice())[i] = r;
  }
  return { body: out ? { ...body, input: out } : body };
}

/**
 * A chat completion's answer text filtered. A rewritten choice loses its `logprobs`:
 * they spell out the original tokens.
 */
export function filterCompletion(body: ChatCompletion, f: TextFilter): Filtered<ChatCompletion> {
  const choices = body.choices;
  if (!Array.isArray(choices)) return { body };
  let out: ChatCompletion['choices'] | undefined;
  for (let i = 0; i < choices.length; i++) {
    const ch = choices[i]!;
    const m = ch?.message;
    if (!m || typeof m !== 'object') continue;
    const c = filterContent(m.content, f, `choices[${i}].message.content`);
    if (isBlocked(c)) return c;
    if (c !== m.content) (out ??= choices.slice())[i] = { ...ch, message: { ...m, content: c }, logprobs: null };
  }
  return { body: out ? { ...body, choices: out } : body };
}
