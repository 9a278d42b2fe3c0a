/**
 * OpenAI-compatible SSE → canonical stream events. The events are already canonical, so
 * each keeps its upstream JSON text as `raw` for byte-for-byte passthrough.
 */
import type { StreamEvent } from '../../../../engine/types.ts';
import type { ChatCompletionChunk } from '../../../../engine/openai-types.ts';
import type { SseMapper } from '../../http/sse.ts';
import { badUpstream, streamErrorEvent } from '../../http/errors.ts';

/**
 * Translate an OpenAI-compatible event stream. Ends cleanly on `[DONE]` (draining the
 * rest so the socket is reused) or on EOF after a finish_reason; anything else is a cut
 * stream. A mapper run inside the SSE parser's loop: one generator per stream, not two.
 *
 * @example
 *   const events = res.sse(openaiEvents(scrub));
 */
export function openaiEvents(scrub: (s: string) => string): SseMapper<StreamEvent> {
  let done = false;
  let finished = false;
  return {
    event(ev) {
      if (done) return undefined;
      if (ev.data === '[DONE]') {
        done = true;
        return undefined;
      }
      const data = parseChunk(ev.data);
      const err = (data as { error?: { message?: string; type?: string; code?: string } }).error;
      if (err && typeof err === 'object') throw streamErrorEvent(err.type ?? err.code, err.message, scrub);
      if (!finished && hasFinish(data)) finished = true;
      return { data, raw: ev.data };
    },
    end() {
      if (!done && !finished) throw badUpstream('the stream ended before the answer finished');
    },
  };
}

function parseChunk(text: string): ChatCompletionChunk {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw badUpstream('a stream event is not JSON', 200, err);
  }
  if (!data || typeof data !== 'object') throw badUpstream('a stream event is not an object');
  return data as ChatCompletionChunk;
}

function hasFinish(c: ChatCompletionChunk): boolean {
  const choices = c.choices;
  if (!Array.isArray(choices)) return false;
  for (let i = 0; i < choices.length; i++) if (choices[i]!.finish_reason) return true;
  return false;
}
