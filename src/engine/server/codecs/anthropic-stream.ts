/**
 * Canonical chunks → Anthropic's SSE sequence: message_start (with the prompt's input
 * tokens), ping, then per content block content_block_start / content_block_delta
 * (text_delta, input_json_delta) / content_block_stop, then message_delta (stop_reason +
 * usage) and message_stop. Errors end the stream with `event: error` and Anthropic's
 * error body, request_id included.
 *
 * message_start's input tokens are the upstream's own figure when it reports one before
 * the answer (an Anthropic upstream's message_start, carried as `promptUsage`), else the
 * gateway's count of the prompt (the router's or the provider plugin's, made while the
 * upstream was being called). Clients such as LangChain read input usage from
 * message_start only; the upstream's final figures follow in message_delta.
 *
 * @example
 *   const enc = new AnthropicStreamEncoder(ctx);
 *   res.write(enc.event(ev)); … res.end(enc.end());
 */
import type { StreamEncoder } from '../codec.ts';
import type { RequestContext } from '../../context.ts';
import type { GatewayError } from '../../errors.ts';
import type { StreamEvent } from '../../types.ts';
import type { ChatRequest, FinishReason, Usage } from '../../openai-types.ts';
import { stopReasonOf, usageToAnthropic } from '../../../plugins-builtin/provider/adapters/anthropic/mapping.ts';
import { countMessagesSync, plainMessages } from '../../tokens/count.ts';
import { anthropicMessageId, toolUseId } from './anthropic-encode.ts';

const sse = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** Anthropic sends a ping after message_start; clients expect and skip it. */
const PING = sse('ping', {});

/**
 * The gateway's own count of the prompt: the one made for this request (exact for
 * OpenAI-family tokenizers), else the chars/4 estimate, which costs nothing to make here.
 * Cache figures are unknown (null) until the upstream's usage arrives.
 */
function countedUsage(ctx: RequestContext): Record<string, number | null> {
  let input = ctx.promptTokens;
  if (input === undefined) {
    const body = ctx.body as ChatRequest | undefined;
    input = body?.messages ? countMessagesSync(plainMessages(body), 'estimate', body.tools) : 0;
  }
  return { input_tokens: input, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null };
}

export class AnthropicStreamEncoder implements StreamEncoder {
  private started = false;
  /** Index and kind of the open content block, -1 when none. */
  private open = -1;
  private openKind: 'text' | 'tool_use' | undefined;
  private next = 0;
  /** OpenAI tool_calls index → Anthropic block index. */
  private readonly toolBlock = new Map<number, number>();
  private finish: FinishReason = null;
  private usage: Usage | undefined;

  constructor(private readonly ctx: RequestContext) {}

  event(ev: StreamEvent): string {
    const c = ev.data;
    let out = this.started ? '' : this.start(c.id, c.model, ev.promptUsage);
    if (c.usage) this.usage = c.usage;
    const choice = c.choices?.[0];
    if (!choice) return out;
    const d = choice.delta;
    if (typeof d?.content === 'string' && d.content.length) {
      if (this.openKind !== 'text') out += this.openBlock('text', { type: 'text', text: '' });
      out += sse('content_block_delta', { index: this.open, delta: { type: 'text_delta', text: d.content } });
    }
    for (const tc of d?.tool_calls ?? []) out += this.toolDelta(tc);
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  end(): string {
    let out = this.started ? '' : this.start('', this.ctx.model ?? '', undefined);
    out += this.closeBlock();
    const u = usageToAnthropic(this.usage ?? this.ctx.usage);
    out += sse('message_delta', { delta: { stop_reason: stopReasonOf(this.finish ?? 'stop'), stop_sequence: null }, usage: u });
    return out + sse('message_stop', {});
  }

  error(err: GatewayError): string {
    const body = err.toAnthropic(this.ctx.id);
    return sse('error', { error: body.error, request_id: body.request_id });
  }

  private start(id: string, model: string, promptUsage: Usage | undefined): string {
    this.started = true;
    const message = sse('message_start', {
      message: {
        id: anthropicMessageId(id),
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: promptUsage ? usageToAnthropic(promptUsage) : countedUsage(this.ctx),
      },
    });
    return message + PING;
  }

  private toolDelta(tc: { index: number; id?: string; function?: { name?: string; arguments?: string } }): string {
    let out = '';
    let block = this.toolBlock.get(tc.index);
    if (block === undefined) {
      out += this.openBlock('tool_use', { type: 'tool_use', id: toolUseId(tc.id, tc.index), name: tc.function?.name ?? '', input: {} });
      block = this.open;
      this.toolBlock.set(tc.index, block);
    }
    const args = tc.function?.arguments;
    if (args) out += sse('content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: args } });
    return out;
  }

  private openBlock(kind: 'text' | 'tool_use', block: Record<string, unknown>): string {
    const out = this.closeBlock();
    this.open = this.next++;
    this.openKind = kind;
    return out + sse('content_block_start', { index: this.open, content_block: block });
  }

  private closeBlock(): string {
    if (this.open === -1) return '';
    const out = sse('content_block_stop', { index: this.open });
    this.open = -1;
    this.openKind = undefined;
    return out;
  }
}
