/**
 * Gemini `streamGenerateContent?alt=sse` → canonical chunks. Each event is a partial
 * GenerateContentResponse; the stream has no end marker, so the finish and usage chunks
 * are written at EOF, and an EOF before any finishReason is a cut stream. The prompt's
 * token count, present from the first event, rides on the role chunk as `promptUsage`.
 */
import type { StreamEvent } from '../../../../engine/types.ts';
import type { FinishReason } from '../../../../engine/openai-types.ts';
import type { StreamTranslator } from '../../http/translate.ts';
import type { SseEvent } from '../../http/types.ts';
import { parseEventJson } from '../../http/parse.ts';
import { badUpstream, streamErrorEvent } from '../../http/errors.ts';
import { chunkFactory, type ChunkFactory } from '../shared/chunks.ts';
import { assertNotBlocked, candidateParts, geminiFinish, geminiUsage, type GeminiResponse, type GeminiUsage } from './response.ts';

/** @example translateStream(res.sse(), new GeminiStreamTranslator('gemini-2.0-flash', scrub)) */
export class GeminiStreamTranslator implements StreamTranslator {
  private readonly c: ChunkFactory;
  private started = false;
  private finish: FinishReason = null;
  private usage: GeminiUsage | undefined;
  private tools = 0;

  constructor(
    model: string,
    private readonly scrub: (s: string) => string,
  ) {
    this.c = chunkFactory('', model);
  }

  onEvent(ev: SseEvent): StreamEvent[] | undefined {
    const r = parseEventJson<GeminiResponse & { error?: { status?: string; message?: string } }>(ev.data);
    if (r.error) throw streamErrorEvent(r.error.status, r.error.message, this.scrub);
    assertNotBlocked(r, 200);
    if (r.usageMetadata) this.usage = r.usageMetadata;
    const out: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      this.c.id = r.responseId ?? '';
      out.push(this.first(r.usageMetadata));
    }
    const cand = r.candidates?.[0];
    if (!cand) return out;
    const { text, reasoning, calls } = candidateParts(cand, () => `call_${this.tools}`);
    if (reasoning) out.push(this.c.delta({ reasoning_content: reasoning }));
    if (text) out.push(this.c.delta({ content: text }));
    for (const call of calls) {
      const index = this.tools++;
      out.push(this.c.delta({ tool_calls: [{ index, id: call.id, type: 'function', function: call.function }] }));
    }
    if (cand.finishReason) this.finish = geminiFinish(cand.finishReason, this.tools > 0);
    return out;
  }

  /**
   * The role chunk. Gemini reports the prompt's token count from its first event on: it
   * goes with this chunk as `promptUsage`, for clients that read input tokens at the start
   * of a stream (Anthropic's message_start).
   */
  private first(u: GeminiUsage | undefined): StreamEvent {
    const role = this.c.delta({ role: 'assistant', content: '' });
    if (u?.promptTokenCount === undefined) return role;
    return { ...role, promptUsage: geminiUsage({ promptTokenCount: u.promptTokenCount, cachedContentTokenCount: u.cachedContentTokenCount }) };
  }

  onEnd(): StreamEvent[] {
    if (!this.finish) throw badUpstream('the stream ended before a finishReason');
    return [this.c.finish(this.finish), this.c.usage(geminiUsage(this.usage))];
  }
}
