/**
 * TGI's native routes: POST /generate (details + decoder_input_details for token counts)
 * and POST /generate_stream (SSE of tokens; the last event carries details with
 * finish_reason, generated_tokens and input_length).
 */
import type { ChatCompletion, ChatRequest, FinishReason } from '../../../../engine/openai-types.ts';
import type { StreamEvent } from '../../../../engine/types.ts';
import type { StreamTranslator } from '../../http/translate.ts';
import type { SseEvent } from '../../http/types.ts';
import { parseEventJson, expectObject } from '../../http/parse.ts';
import { badUpstream, streamErrorEvent } from '../../http/errors.ts';
import { chunkFactory, makeUsage, type ChunkFactory } from '../shared/chunks.ts';
import { generationParameters, plainPrompt, estimateTokens } from './prompt.ts';

const FINISH: Record<string, FinishReason> = { length: 'length', eos_token: 'stop', stop_sequence: 'stop' };

export function toTgiGenerate(req: ChatRequest): Record<string, unknown> {
  return { inputs: plainPrompt(req), parameters: { ...generationParameters(req), details: true, decoder_input_details: !req.stream } };
}

interface TgiDetails {
  finish_reason?: string;
  generated_tokens?: number;
  prefill?: unknown[];
  input_length?: number;
}

export function fromTgiGenerate(json: unknown, status: number, model: string, prompt: string): ChatCompletion {
  const r = expectObject(Array.isArray(json) ? json[0] : json, 'a TGI generate response', status);
  if (typeof r.generated_text !== 'string') throw badUpstream('the response has no generated_text', status);
  const d = r.details as TgiDetails | undefined;
  const promptTokens = d?.prefill?.length ?? estimateTokens(prompt);
  return {
    id: `tgi-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: r.generated_text }, finish_reason: FINISH[d?.finish_reason ?? ''] ?? 'stop' }],
    usage: makeUsage(promptTokens, d?.generated_tokens ?? estimateTokens(r.generated_text)),
  };
}

interface TgiStreamEvent {
  token?: { text?: string; special?: boolean };
  generated_text?: string | null;
  details?: TgiDetails | null;
  error?: string;
  error_type?: string;
}

/** @example translateStream(res.sse(), new TgiStreamTranslator('llama', prompt, scrub)) */
export class TgiStreamTranslator implements StreamTranslator {
  private readonly c: ChunkFactory;
  private started = false;
  private done = false;
  private completion = 0;

  constructor(
    model: string,
    private readonly prompt: string,
    private readonly scrub: (s: string) => string,
  ) {
    this.c = chunkFactory(`tgi-${Date.now().toString(36)}`, model);
  }

  onEvent(ev: SseEvent): StreamEvent[] {
    const e = parseEventJson<TgiStreamEvent>(ev.data);
    if (e.error) throw streamErrorEvent(e.error_type === 'overloaded' ? 'overloaded_error' : 'server_error', e.error, this.scrub);
    const out: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.c.delta({ role: 'assistant', content: '' }));
    }
    this.completion++;
    if (e.token && !e.token.special && e.token.text) out.push(this.c.delta({ content: e.token.text }));
    if (e.details) {
      this.done = true;
      const d = e.details;
      out.push(this.c.finish(FINISH[d.finish_reason ?? ''] ?? 'stop'));
      out.push(this.c.usage(makeUsage(d.input_length ?? estimateTokens(this.prompt), d.generated_tokens ?? this.completion)));
    }
    return out;
  }

  onEnd(): StreamEvent[] {
    if (!this.done) throw badUpstream('the stream ended before the final details');
    return [];
  }
}
