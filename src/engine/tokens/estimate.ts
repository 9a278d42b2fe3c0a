/**
 * The one token estimate, for wherever a count is needed before (or without) the
 * upstream's: ceil(characters / 4), OpenAI's rule of thumb for English text, over the text
 * a request carries. Exact counts (OpenAI-family tokenizers) live in count.ts; this is the
 * cheap, inline stand-in: rate-limit reservations, dispatch's ranking and health books
 * when no router counted, and adapters whose upstream reports no usage.
 *
 * @example
 *   estimateTokens('Hello there'); // 3
 *   estimatePromptTokens({ messages: [{ role: 'user', content: 'abcdefgh' }] }); // 2
 */
import { contentText, isMessage, messagesOf } from '../message-text.ts';

/** Tokens in a text, or in a number of characters. */
export function estimateTokens(text: string | number): number {
  return Math.ceil((typeof text === 'number' ? text : text.length) / 4);
}

/** Characters of an embeddings input: a string, or the strings of an array (token ids are not text). */
function inputChars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (!Array.isArray(v)) return 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') n += (v[i] as string).length;
  return n;
}

/** Prompt tokens of a chat, messages or embeddings body: its message texts, system and input (read the one safe way). */
export function estimatePromptTokens(body: unknown): number {
  const b = (body !== null && typeof body === 'object' ? body : {}) as { input?: unknown; system?: unknown };
  let n = inputChars(b.input) + contentText(b.system).length;
  const msgs = messagesOf(body);
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (isMessage(m)) n += contentText(m.content).length;
  }
  return estimateTokens(n);
}
