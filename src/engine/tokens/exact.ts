/**
 * Exact OpenAI token counts through gpt-tokenizer v4: `encodeChat`-equivalent counting
 * (`encodeChat` adds each message's framing tokens). The encodings are
 * imported statically so their rank tables load once per thread.
 *
 * @example
 *   countChat([{ role: 'user', content: 'Hello' }], 'o200k_base'); // exact prompt tokens
 */
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';

export interface PlainMessage {
  role: string;
  content: string;
  name?: string;
}

type ChatInput = Parameters<typeof o200k.encodeChat>[0];

/**
 * Chat framing (`<|im_start|>role<|im_sep|>…<|im_end|>` plus the reply priming) is the
 * same for every model of an encoding, so one representative model name per encoding
 * gives the exact count.
 */
export function countChat(msgs: readonly PlainMessage[], family: 'o200k_base' | 'cl100k_base'): number {
  if (family === 'o200k_base') return o200k.encodeChat(msgs as unknown as ChatInput, 'gpt-4o').length;
  return cl100k.encodeChat(msgs as unknown as ChatInput, 'gpt-4').length;
}

/** Exact tokens of a plain string. */
export function countText(text: string, family: 'o200k_base' | 'cl100k_base'): number {
  return (family === 'o200k_base' ? o200k : cl100k).countTokens(text);
}
