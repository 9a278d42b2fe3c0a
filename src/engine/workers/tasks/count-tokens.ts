/**
 * Worker task: count a long prompt's tokens for several tokenizer families at once.
 * Payload and result are plain data (structured-clone friendly).
 *
 * @example
 *   await pool.run('count-tokens', { messages, families: ['o200k_base'] }); // { o200k_base: 1234 }
 */
import { countMessagesSync } from '../../tokens/count.ts';
import type { PlainMessage } from '../../tokens/exact.ts';
import type { TokenFamily } from '../../tokens/encoding.ts';

export default function countTokens(p: { messages: PlainMessage[]; families: TokenFamily[]; tools?: unknown }): Partial<Record<TokenFamily, number>> {
  const out: Partial<Record<TokenFamily, number>> = {};
  for (const f of p.families) out[f] = countMessagesSync(p.messages, f, p.tools);
  return out;
}
