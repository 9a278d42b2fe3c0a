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
const o200k = (): Encoding => o200kLoaded ??= require('gpt-tokenizer/cjs/encoding/o200k_base') as Encoding;
const cl100k = (): Encoding => cl100kLoaded ??= require('gpt-tokenizer/cjs/encoding/cl100k_base') as Encoding;

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
 * Chat framing (`<|im_start|>role<|im_sep|>…<|im_end|>` plus the reply priming) is the
 * same for every model of an encoding, so one representative model name per encoding
 * gives the exact count.
 */
export function countChat(msgs: readonly PlainMessage[], family: 'o200k_base' | 'cl100k_base'): number {
  if (family === 'o200k_base') return o200k().encodeChat(msgs as unknown as ChatInput, 'gpt-4o').length;
  return cl100k().encodeChat(msgs as unknown as ChatInput, 'gpt-4').length;
}

/** Exact tokens of a plain string. */
export function countText(text: string, family: 'o200k_base' | 'cl100k_base'): number {
  return (family === 'o200k_base' ? o200k() : cl100k()).countTokens(text);
}
