/**
 * Prompt token counting for routing (context-window checks, cost and usage estimates).
 * Exact for OpenAI-family models via gpt-tokenizer's chat counting (per-message
 * framing included); the chars/4 estimate for others. Prompts longer than
 * INLINE_MAX_CHARS are counted in the worker pool so the event loop stays free: below
 * it, counting inline costs less than a worker round trip (~45–80 µs here).
 *
 * @example
 *   const n = await countPromptTokens(body, 'gpt-4o', pool); // exact
 *   countPromptTokensSync(body, 'claude-3-haiku'); // estimate
 */
import type { ChatRequest } from '../openai-types.ts';
import { contentText, isMessage, messagesOf } from '../message-text.ts';
import type { WorkerPool } from '../workers/pool.ts';
import { familyOf, type TokenFamily } from './encoding.ts';
import { estimateTokens } from './estimate.ts';
import { countChat, type PlainMessage } from './exact.ts';

/**
 * Measured with `BENCH_ONLY=token-count-threshold npm run bench` on this machine (2 cores, busy): a
 * sequential worker round trip cost 216–286 µs; o200k counting inline cost ~70–80 µs at
 * 200 chars, ~200–280 µs at 1,000–2,000 chars, ~450 µs at 4,000 and ~2 ms at 16,000.
 * Past ~2,000 chars inline counting blocks the event loop longer than a worker trip.
 */
export const INLINE_MAX_CHARS = 2000;

/**
 * Messages as plain {role, content, name} strings (text parts only: images are not
 * counted here), tool calls serialised into content. Anything that is not a message, or
 * not a string where one belongs, counts as empty: the body may be unvalidated.
 */
export function plainMessages(body: Pick<ChatRequest, 'messages'>): PlainMessage[] {
  const out: PlainMessage[] = [];
  const msgs = messagesOf(body);
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (!isMessage(m)) continue;
    const role = typeof m.role === 'string' ? m.role : '';
    let content = contentText(m.content);
    if (Array.isArray(m.tool_calls) && m.tool_calls.length) content += JSON.stringify(m.tool_calls);
    out.push(typeof m.name === 'string' && m.name ? { role, content, name: m.name } : { role, content });
  }
  return out;
}

function charsOf(msgs: readonly PlainMessage[], tools: unknown): number {
  let n = tools ? JSON.stringify(tools).length : 0;
  for (const m of msgs) n += m.content.length + m.role.length + (m.name?.length ?? 0);
  return n;
}

/** Count synchronously on this thread (used inline and by the worker task). */
export function countMessagesSync(msgs: readonly PlainMessage[], family: TokenFamily, tools?: unknown): number {
  if (family === 'estimate') return estimateTokens(charsOf(msgs, tools)) + 3 * msgs.length;
  const toolTokens = tools ? countChat([{ role: 'system', content: JSON.stringify(tools) }], family) : 0;
  return countChat(msgs, family) + toolTokens;
}

export function countPromptTokensSync(body: Pick<ChatRequest, 'messages' | 'tools'>, model: string): number {
  return countMessagesSync(plainMessages(body), familyOf(model), body.tools);
}

/** Count in the worker pool when the prompt is long, inline otherwise. */
export async function countPromptTokens(body: Pick<ChatRequest, 'messages' | 'tools'>, model: string, pool?: WorkerPool): Promise<number> {
  return (await countFamilies(body, [familyOf(model)], pool))[familyOf(model)]!;
}

/** Counts for several tokenizer families at once (one worker trip for all of them). */
export async function countFamilies(
  body: Pick<ChatRequest, 'messages' | 'tools'>,
  families: readonly TokenFamily[],
  pool?: WorkerPool,
): Promise<Partial<Record<TokenFamily, number>>> {
  const msgs = plainMessages(body);
  const uniq = [...new Set(families)];
  const exact = uniq.some((f) => f !== 'estimate');
  if (pool && exact && charsOf(msgs, body.tools) > INLINE_MAX_CHARS) {
    return pool.run<Partial<Record<TokenFamily, number>>>('count-tokens', { messages: msgs, families: uniq, tools: body.tools });
  }
  const out: Partial<Record<TokenFamily, number>> = {};
  for (const f of uniq) out[f] = countMessagesSync(msgs, f, body.tools);
  return out;
}
