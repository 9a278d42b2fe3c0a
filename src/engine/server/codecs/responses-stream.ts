/**
 * Canonical chunks → the Responses API's typed SSE events, each with its
 * `sequence_number`: response.created and response.in_progress first; per output item
 * output_item.added, then for a message content_part.added / output_text.delta /
 * output_text.done / content_part.done, for a function call
 * function_call_arguments.delta / .done; output_item.done when the item ends; then
 * response.completed (or response.incomplete when the answer was cut). The response is
 * stored before that last event is written. A failure ends with `error` and
 * response.failed.
 *
 * @example
 *   const enc = new ResponsesStreamEncoder(ctx, turn);
 *   res.write(enc.event(ev)); … res.end(await enc.end());
 */
import type { StreamEncoder } from '../codec.ts';
import type { RequestContext } from '../../context.ts';
import type { GatewayError } from '../../errors.ts';
import type { StreamEvent } from '../../types.ts';
import type { ChunkToolCallDelta, FinishReason, Usage } from '../../openai-types.ts';
import type { FunctionCallItem, MessageItem, OutputItem, OutputText, Refusal } from '../../responses/types.ts';
import { itemId } from '../../responses/ids.ts';
import { functionCallItem, itemStatus, responseObject } from './responses-output.ts';
import { finishTurn, type Turn } from './responses-turn.ts';
import { responsesParam } from './responses-errors.ts';

type PartKind = 'output_text' | 'refusal';

interface OpenMessage {
  /** Its `content` holds the parts already closed. */
  item: MessageItem;
  index: number;
  part?: { kind: PartKind; text: string };
}

export class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private model = '';
  private readonly items: OutputItem[] = [];
  private message: OpenMessage | undefined;
  /** Function calls still open, by the canonical tool_calls index. */
  private readonly calls = new Map<number, FunctionCallItem>();
  private finish: FinishReason = null;
  private usage: Usage | undefined;

  constructor(
    private readonly ctx: RequestContext,
    private readonly turn: Turn,
  ) {}

  event(ev: StreamEvent): string {
    const c = ev.data;
    // A cache hit answers before the provider plugin: refuse here what it would have refused.
    if (this.turn.missing) throw this.turn.missing;
    let out = this.model ? '' : this.start(c.model);
    if (c.usage) this.usage = c.usage;
    const choice = c.choices?.[0];
    if (!choice) return out;
    const d = choice.delta;
    if (typeof d?.content === 'string' && d.content) out += this.delta('output_text', d.content);
    if (typeof d?.refusal === 'string' && d.refusal) out += this.delta('refusal', d.refusal);
    for (const tc of d?.tool_calls ?? []) out += this.toolDelta(tc);
    if (choice.finish_reason) {
      this.finish = choice.finish_reason;
      out += this.closeAll();
    }
    return out;
  }

  async end(): Promise<string> {
    let out = this.model ? '' : this.start('');
    out += this.closeAll();
    const outcome = { model: this.model, output: this.items, usage: this.usage ?? this.ctx.usage, finish: this.finish ?? 'stop' };
    const response = await finishTurn(this.turn, responseObject(this.turn, outcome), this.ctx);
    return out + this.emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  }

  error(err: GatewayError): string {
    let out = this.model ? '' : this.start('');
    out += this.emit('error', { code: err.publicCode, message: err.message, param: responsesParam(err.param) });
    const response = {
      ...responseObject(this.turn),
      model: this.model,
      status: 'failed',
      error: { code: err.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: err.message },
      output: this.items,
    };
    return out + this.emit('response.failed', { response });
  }

  private emit(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: this.seq++ })}\n\n`;
  }

  private start(model: string): string {
    this.model = model || this.turn.model;
    const response = { ...responseObject(this.turn), model: this.model };
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  /** Text or refusal text of the message: a new content part whenever the kind changes. */
  private delta(kind: PartKind, delta: string): string {
    let out = this.message ? '' : this.openMessage();
    const m = this.message!;
    if (m.part?.kind !== kind) out += this.closePart(m) + this.openPart(m, kind);
    m.part!.text += delta;
    const at = { item_id: m.item.id, output_index: m.index, content_index: m.item.content.length, delta };
    return out + (kind === 'output_text' ? this.emit('response.output_text.delta', { ...at, logprobs: [] }) : this.emit('response.refusal.delta', at));
  }

  private openMessage(): string {
    const index = this.items.length;
    const item: MessageItem = { type: 'message', id: itemId('msg', this.turn.base, index), status: 'in_progress', role: 'assistant', content: [] };
    this.items.push(item);
    this.message = { item, index };
    return this.emit('response.output_item.added', { output_index: index, item });
  }

  private openPart(m: OpenMessage, kind: PartKind): string {
    m.part = { kind, text: '' };
    const part = kind === 'output_text' ? { type: kind, text: '', annotations: [], logprobs: [] } : { type: kind, refusal: '' };
    return this.emit('response.content_part.added', { item_id: m.item.id, output_index: m.index, content_index: m.item.content.length, part });
  }

  private closePart(m: OpenMessage): string {
    if (!m.part) return '';
    const { kind, text } = m.part;
    m.part = undefined;
    const at = { item_id: m.item.id, output_index: m.index, content_index: m.item.content.length };
    const part: OutputText | Refusal = kind === 'output_text' ? { type: kind, text, annotations: [], logprobs: [] } : { type: kind, refusal: text };
    m.item.content.push(part);
    const done =
      kind === 'output_text'
        ? this.emit('response.output_text.done', { ...at, text, logprobs: [] })
        : this.emit('response.refusal.done', { ...at, refusal: text });
    return done + this.emit('response.content_part.done', { ...at, part });
  }

  private toolDelta(tc: ChunkToolCallDelta): string {
    let out = '';
    let call = this.calls.get(tc.index);
    if (!call) {
      out += this.closeMessage();
      const index = this.items.length;
      call = functionCallItem(itemId('fc', this.turn.base, index), tc.id || `call_${this.turn.base}_${index}`, tc.function?.name ?? '', '', 'in_progress');
      this.items.push(call);
      this.calls.set(tc.index, call);
      out += this.emit('response.output_item.added', { output_index: index, item: call });
    } else if (!call.name && tc.function?.name) call.name = tc.function.name;
    const delta = tc.function?.arguments;
    if (delta) {
      call.arguments += delta;
      out += this.emit('response.function_call_arguments.delta', { item_id: call.id, output_index: this.items.indexOf(call), delta });
    }
    return out;
  }

  private closeMessage(): string {
    const m = this.message;
    if (!m) return '';
    // An empty answer still has its (empty) text part, as the JSON answer has.
    const out = m.part || m.item.content.length ? this.closePart(m) : this.openPart(m, 'output_text') + this.closePart(m);
    this.message = undefined;
    m.item.status = itemStatus(this.finish);
    return out + this.emit('response.output_item.done', { output_index: m.index, item: m.item });
  }

  /** Ends every open item; an answer with no item at all gets an empty message, as the JSON answer has. */
  private closeAll(): string {
    let out = this.items.length === 0 ? this.openMessage() : '';
    out += this.closeMessage();
    for (const call of this.calls.values()) {
      const index = this.items.indexOf(call);
      call.status = itemStatus(this.finish);
      out += this.emit('response.function_call_arguments.done', { item_id: call.id, name: call.name, output_index: index, arguments: call.arguments });
      out += this.emit('response.output_item.done', { output_index: index, item: call });
    }
    this.calls.clear();
    return out;
  }
}
