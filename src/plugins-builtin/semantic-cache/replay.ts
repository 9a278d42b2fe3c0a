/**
 * Between a cached completion and the wire: which answers may be stored (complete,
 * text only), replaying one as SSE events for a streamed request, and assembling a
 * streamed answer back into a completion to store.
 *
 * @example
 *   if (storable(body)) store(JSON.stringify(body));
 *   const resp = replayStream(completion); // StreamUpstreamResponse
 */
import type { ChatCompletion, ChatCompletionChunk } from '../../engine/openai-types.ts';
import type { StreamEvent, StreamUpstreamResponse } from '../../engine/types.ts';

/**
 * Only complete text answers are stored: every choice ended with `stop` (not `length`,
 * `content_filter`, `tool_calls`) and carries no tool calls — a tool call starts a side
 * effect the agent should decide afresh, and its id must be new each time.
 */
export function storable(body: unknown): body is ChatCompletion {
  const choices = (body as Partial<ChatCompletion> | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const c of choices) {
    if (c?.finish_reason !== 'stop' || typeof c.message?.content !== 'string' || c.message.tool_calls?.length) return false;
  }
  return true;
}

/** The cached completion as OpenAI chunks: the whole text per choice, the finish, then usage. */
export function replayStream(c: ChatCompletion): StreamUpstreamResponse {
  const base = { id: c.id, object: 'chat.completion.chunk' as const, created: c.created, model: c.model };
  const chunks: ChatCompletionChunk[] = [];
  for (const ch of c.choices) {
    chunks.push({ ...base, choices: [{ index: ch.index, delta: { role: 'assistant', content: ch.message.content as string }, finish_reason: null }] });
  }
  for (const ch of c.choices) chunks.push({ ...base, choices: [{ index: ch.index, delta: {}, finish_reason: ch.finish_reason }] });
  if (c.usage) chunks.push({ ...base, choices: [], usage: c.usage });
  return { kind: 'stream', status: 200, headers: {}, events: events(chunks) };
}

async function* events(chunks: ChatCompletionChunk[]): AsyncGenerator<StreamEvent> {
  for (const data of chunks) yield { data };
}

/** A streamed answer as it goes by (onStreamChunk), to be stored when it ends well. */
export class StreamAssembly {
  private id = '';
  private model = '';
  private created = 0;
  private readonly text: string[] = [];
  private readonly finish: Array<string | null> = [];
  /** False once a chunk carried anything but text (tool calls, refusals…). */
  ok = true;

  add(c: ChatCompletionChunk): void {
    if (!this.id) {
      this.id = c.id;
      this.model = c.model;
      this.created = c.created;
    }
    const choices = c.choices;
    for (let i = 0; i < choices.length; i++) {
      const ch = choices[i]!;
      const d = ch.delta;
      if (d) {
        for (const k in d) if (k !== 'role' && k !== 'content' && d[k] != null) this.ok = false;
        if (typeof d.content === 'string') this.text[ch.index] = (this.text[ch.index] ?? '') + d.content;
      }
      if (ch.finish_reason) this.finish[ch.index] = ch.finish_reason;
    }
  }

  /** The completion, or undefined when it is not storable. */
  completion(usage: ChatCompletion['usage']): ChatCompletion | undefined {
    if (!this.ok || this.finish.length === 0) return undefined;
    const choices: ChatCompletion['choices'] = [];
    for (let i = 0; i < this.finish.length; i++) {
      if (this.finish[i] !== 'stop') return undefined;
      choices.push({ index: i, message: { role: 'assistant', content: this.text[i] ?? '' }, finish_reason: 'stop', logprobs: null });
    }
    return { id: this.id, object: 'chat.completion', created: this.created, model: this.model, choices, usage };
  }
}
