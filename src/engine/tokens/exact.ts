/**
 * Exact OpenAI token counts through gpt-tokenizer v4: `encodeChat`-equivalent counting
 * (`encodeChat` adds each message's framing tokens). The rank tables weigh ~29 MB of
 * heap, so they load on first use (once per thread), not with the module: a gateway that
 * never counts tokens exactly does not carry them, and every old-space GC is shorter.
 * `warmTokenizers()` loads them ahead (the router calls it at create time so the first
 * request does not pay the load).
 *
 * @example
 *   countChat([{ role: 'user', content: 'Hello' }], 'o200k_base'); // exact prompt tokens
 */
import { createRequire } from 'node:module';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');
const require = createRequire(import.meta.url);
let o200kLoaded: Encoding | undefined;
let cl100kLoaded: Encoding | undefined;
// The CJS builds load synchronously, which counting (a sync API) needs.
const o200k = (): Encoding => (o200kLoaded ??= require('gpt-tokenizer/cjs/encoding/o200k_base') as Encoding);
const cl100k = (): Encoding => (cl100kLoaded ??= require('gpt-tokenizer/cjs/encoding/cl100k_base') as Encoding);

/** Load both encodings now. */
export function warmTokenizers(): void {
  o200k();
  cl100k();
}

export interface PlainMessage {
  role: string;
  content: string;
  name?: string;
}

type ChatInput = Parameters<Encoding['encodeChat']>[0];

/**
 * Chat framing (`<|im_start|>name<|im_sep|>…<|im_end|>` per message, plus the reply
 * priming) is the same for every model of an encoding. gpt-tokenizer's encodeChat rebuilds
 * its special-token regex on every call (~60% of the cost for a short prompt), so the
 * framing is measured once per encoding with encodeChat itself and each call only counts
 * the names and contents: the same number (a test compares them on many chats), ~3× faster.
 */
interface Framing {
  /** Tokens of an empty chat: the reply priming. */
  prime: number;
  /** Tokens a message adds besides its name and content. */
  perMessage: number;
  names: Map<string, number>;
}

const framings = new Map<Encoding, Framing>();
const MAX_CACHED_NAMES = 1000;

function framingOf(enc: Encoding, model: string): Framing {
  let f = framings.get(enc);
  if (!f) {
    const prime = enc.encodeChat([], model as never).length;
    const empty = enc.encodeChat([{ role: 'user', content: '' }] as ChatInput, model as never).length;
    f = { prime, perMessage: empty - prime - enc.countTokens('user'), names: new Map() };
    framings.set(enc, f);
  }
  return f;
}

function nameTokens(enc: Encoding, f: Framing, name: string): number {
  let n = f.names.get(name);
  if (n === undefined) {
    n = enc.countTokens(name);
    if (f.names.size < MAX_CACHED_NAMES) f.names.set(name, n);
  }
  return n;
}

/** Exactly `encodeChat(msgs, model).length` of gpt-tokenizer (a message's name defaults to its role). */
export function countChat(msgs: readonly PlainMessage[], family: 'o200k_base' | 'cl100k_base'): number {
  const enc = family === 'o200k_base' ? o200k() : cl100k();
  const f = framingOf(enc, family === 'o200k_base' ? 'gpt-4o' : 'gpt-4');
  let n = f.prime;
  for (const m of msgs) n += f.perMessage + nameTokens(enc, f, m.name ?? m.role) + enc.countTokens(m.content);
  return n;
}

/** Exact tokens of a plain string. */
export function countText(text: string, family: 'o200k_base' | 'cl100k_base'): number {
  return (family === 'o200k_base' ? o200k() : cl100k()).countTokens(text);
}
