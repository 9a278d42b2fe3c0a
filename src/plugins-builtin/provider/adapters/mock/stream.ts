/**
 * The mock's streamed answer: the same content, tool call and usage as the non-streamed
 * one, in OpenAI's chunk sequence (role, content or tool-call deltas, finish, usage), paced
 * by `chunk_delay_ms`, `chunk_words` words per chunk, and cut mid-answer when a fault says so.
 *
 * @example
 *   const events = mockStream(answer, 'mock-gpt', { chunkWords: 1, chunkDelayMs: 0, idleMs: 30000, cutAfter: undefined, signal });
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCompletionChunk } from '../../../../engine/openai-types.ts';
import type { StreamEvent } from '../../../../engine/types.ts';
import { upstreamTimeout } from '../../http/errors.ts';
import { FaultInjector } from './faults.ts';
import type { MockAnswer } from './answer.ts';

export interface MockStreamPace {
  chunkWords: number;
  chunkDelayMs: number;
  /** The deployment's idle timeout: a chunk delay beyond it fails as a real idle upstream would. */
  idleMs: number;
  /** Content chunks before an injected cut, or undefined. */
  cutAfter: number | undefined;
  signal: AbortSignal;
}

type Delta = ChatCompletionChunk['choices'][0]['delta'];

/** Tool-call arguments stream in pieces of this many characters, as real providers send them. */
const ARGUMENT_PIECE = 16;

export async function* mockStream(a: MockAnswer, model: string, pace: MockStreamPace): AsyncGenerator<StreamEvent> {
  const base = { id: a.id, object: 'chat.completion.chunk' as const, created: a.created, model };
  const chunk = (delta: Delta, finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null): StreamEvent => ({
    data: { ...base, choices: Array.from({ length: a.n }, (_, index) => ({ index, delta, finish_reason: finish, logprobs: null })) },
  });
  const call = a.choice.toolCall;
  const first = call
    ? chunk({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
      })
    : chunk({ role: 'assistant', content: '' });
  // The prompt's tokens are known before the answer, as Anthropic reports them in
  // message_start: Anthropic-dialect clients that read input usage only there (LangChain)
  // then see the same figure streamed as not.
  yield { ...first, promptUsage: { prompt_tokens: a.usage.prompt_tokens, completion_tokens: 0, total_tokens: a.usage.prompt_tokens } };
  const pieces = call ? splitEvery(call.function.arguments, ARGUMENT_PIECE) : splitWords(a.choice.content ?? '', pace.chunkWords);
  for (let i = 0; i < pieces.length; i++) {
    if (pace.cutAfter !== undefined && i >= pace.cutAfter) throw FaultInjector.cut();
    if (pace.chunkDelayMs) {
      if (pace.chunkDelayMs > pace.idleMs) {
        await sleep(pace.idleMs, undefined, { signal: pace.signal });
        throw upstreamTimeout('idle', pace.idleMs, 200);
      }
      await sleep(pace.chunkDelayMs, undefined, { signal: pace.signal });
    }
    yield chunk(call ? { tool_calls: [{ index: 0, function: { arguments: pieces[i]! } }] } : { content: pieces[i]! });
  }
  yield chunk({}, a.choice.finish);
  // Usage always comes last, as the OpenAI adapter asks its upstreams for it: the server
  // drops this chunk for clients that did not ask for stream_options.include_usage.
  yield { data: { ...base, choices: [], usage: a.usage } };
}

/** `words` words per piece, each with the whitespace after it (leading whitespace stays on the first). */
function splitWords(text: string, words: number): string[] {
  const parts = text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += words) out.push(parts.slice(i, i + words).join(''));
  return out;
}

function splitEvery(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}
