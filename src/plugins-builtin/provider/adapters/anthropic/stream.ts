/**
 * Anthropic Messages SSE → canonical chunks: message_start (id, input usage),
 * content_block_start/delta/stop (text_delta, input_json_delta), message_delta
 * (stop_reason, output usage), message_stop (→ finish chunk + usage chunk), ping, error.
 * A stream that ends before message_stop was cut.
 */
import type { StreamEvent } from '../../../../engine/types.ts';
import type { StreamTranslator } from '../../http/translate.ts';
import type { SseEvent } from '../../http/types.ts';
import { parseEventJson } from '../../http/parse.ts';
import { badUpstream, streamErrorEvent } from '../../http/errors.ts';
import { chunkFactory, type ChunkFactory } from '../shared/chunks.ts';
import { finishReasonOf, usageFromAnthropic, type AnthropicUsage } from './mapping.ts';

interface AnthropicEvent {
  type: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: AnthropicUsage };
  content_block?: { type: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

/** @example translateStream(res.sse(), new AnthropicStreamTranslator('claude-x', scrub)) */
export class AnthropicStreamTranslator implements StreamTranslator {
  private readonly c: ChunkFactory;
  private usage: AnthropicUsage = {};
  private stopReason: string | null = null;
  /** Anthropic block index → OpenAI tool_calls index. */
  private readonly toolIndex = new Map<number, number>();
  private stopped = false;

  constructor(
    model: string,
    private readonly scrub: (s: string) => string,
  ) {
    this.c = chunkFactory('', model);
  }

  onEvent(ev: SseEvent): StreamEvent | StreamEvent[] | undefined {
    const e = parseEventJson<AnthropicEvent>(ev.data);
    switch (e.type) {
      case 'message_start':
        this.c.id = e.message?.id ?? '';
        if (e.message?.model) this.c.model = e.message.model;
        this.usage = { ...e.message?.usage };
        // The prompt's figures arrive here, before the answer: pass them on for clients
        // that report input tokens at the start of a stream (Anthropic's own clients).
        return { ...this.c.delta({ role: 'assistant', content: '' }), promptUsage: usageFromAnthropic({ ...this.usage, output_tokens: 0 }) };
      case 'content_block_start':
        return this.blockStart(e);
      case 'content_block_delta':
        return this.blockDelta(e);
      case 'message_delta':
        if (e.delta?.stop_reason !== undefined) this.stopReason = e.delta.stop_reason;
        // message_delta usage is cumulative; later fields win.
        if (e.usage) this.usage = { ...this.usage, ...definedOnly(e.usage) };
        return undefined;
      case 'message_stop':
        this.stopped = true;
        return [this.c.finish(finishReasonOf(this.stopReason) ?? 'stop'), this.c.usage(usageFromAnthropic(this.usage))];
      case 'error':
        throw streamErrorEvent(e.error?.type, e.error?.message, this.scrub);
      default: // ping, content_block_stop, and event types newer than this adapter
        return undefined;
    }
  }

  onEnd(): StreamEvent[] {
    if (!this.stopped) throw badUpstream('the stream ended before message_stop');
    return [];
  }

  private blockStart(e: AnthropicEvent): StreamEvent | undefined {
    const b = e.content_block;
    if (b?.type === 'tool_use') {
      const index = this.toolIndex.size;
      this.toolIndex.set(e.index ?? 0, index);
      return this.c.delta({ tool_calls: [{ index, id: b.id, type: 'function', function: { name: b.name, arguments: '' } }] });
    }
    if (b?.type === 'text' && b.text) return this.c.delta({ content: b.text });
    return undefined;
  }

  private blockDelta(e: AnthropicEvent): StreamEvent | undefined {
    const d = e.delta;
    if (d?.type === 'text_delta') return this.c.delta({ content: d.text ?? '' });
    if (d?.type === 'input_json_delta') {
      const index = this.toolIndex.get(e.index ?? 0);
      if (index === undefined) throw badUpstream('input_json_delta for a block that is not a tool_use');
      return this.c.delta({ tool_calls: [{ index, function: { arguments: d.partial_json ?? '' } }] });
    }
    if (d?.type === 'thinking_delta') return this.c.delta({ reasoning_content: d.thinking ?? '' });
    return undefined;
  }
}

function definedOnly(u: AnthropicUsage): AnthropicUsage {
  const out: AnthropicUsage = {};
  for (const [k, v] of Object.entries(u)) if (v != null) (out as Record<string, unknown>)[k] = v;
  return out;
}
