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
interface Part {
  text?: unknown;
}
interface Body {
  messages?: Array<{ content?: unknown } | null>;
  input?: unknown;
  system?: unknown;
}

/** Tokens in a text, or in a number of characters. */
export function estimateTokens(text: string | number): number {
  return Math.ceil((typeof text === 'number' ? text : text.length) / 4);
}

/** Characters of a string, or of the strings and text parts of an array. */
function chars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (!Array.isArray(v)) return 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const p = v[i] as Part | string;
    if (typeof p === 'string') n += p.length;
    else if (p && typeof p.text === 'string') n += p.text.length;
  }
  return n;
}

/** Prompt tokens of a chat, messages or embeddings body: its message texts, system and input. */
export function estimatePromptTokens(body: unknown): number {
  const b = (body ?? {}) as Body;
  let n = chars(b.input) + chars(b.system);
  const msgs = b.messages;
  if (Array.isArray(msgs)) for (let i = 0; i < msgs.length; i++) n += chars(msgs[i]?.content);
  return estimateTokens(n);
}
