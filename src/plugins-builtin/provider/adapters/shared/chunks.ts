/**
 * Builds canonical (OpenAI) stream chunks for adapters whose upstream speaks another
 * dialect. One factory per stream: id, model and created are fixed once.
 *
 * @example
 *   const c = chunkFactory('msg_1', 'claude-x');
 *   c.delta({ content: 'Hi' }); c.finish('stop'); c.usage(u);
 */
import type { ChatCompletionChunk, FinishReason, Usage } from '../../../../engine/openai-types.ts';
import type { StreamEvent } from '../../../../engine/types.ts';
import { contentText } from '../../../../engine/message-text.ts';

export interface ChunkFactory {
  id: string;
  model: string;
  delta(delta: ChatCompletionChunk['choices'][0]['delta'], index?: number): StreamEvent;
  finish(reason: FinishReason, index?: number): StreamEvent;
  /** The usage-only chunk (`choices: []`), as OpenAI sends with `include_usage`. */
  usage(u: Usage): StreamEvent;
}

export function chunkFactory(id: string, model: string, created = Math.floor(Date.now() / 1000)): ChunkFactory {
  const f: ChunkFactory = {
    id,
    model,
    delta: (delta, index = 0) => ({
      data: { id: f.id, object: 'chat.completion.chunk', created, model: f.model, choices: [{ index, delta, finish_reason: null }] },
    }),
    finish: (reason, index = 0) => ({
      data: { id: f.id, object: 'chat.completion.chunk', created, model: f.model, choices: [{ index, delta: {}, finish_reason: reason }] },
    }),
    usage: (u) => ({ data: { id: f.id, object: 'chat.completion.chunk', created, model: f.model, choices: [], usage: u } }),
  };
  return f;
}

/** Canonical usage from prompt/completion counts (+ optional cache and reasoning details). */
export function makeUsage(prompt: number, completion: number, extra: { cached?: number; cacheCreation?: number; reasoning?: number } = {}): Usage {
  const u: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (extra.cached !== undefined || extra.cacheCreation !== undefined) {
    u.prompt_tokens_details = { cached_tokens: extra.cached ?? 0 };
    if (extra.cacheCreation !== undefined) u.prompt_tokens_details.cache_creation_tokens = extra.cacheCreation;
  }
  if (extra.reasoning !== undefined) u.completion_tokens_details = { reasoning_tokens: extra.reasoning };
  return u;
}

/** Text of a canonical message's content (strings and text parts), read the one safe way. */
export const textOf = (content: unknown): string => contentText(content);

/** Split a data URL into media type and base64 payload (undefined for other URLs). */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1]!, data: m[2]! } : undefined;
}
