/**
 * The streamed answer's side (a non-streamed answer is one text: index.ts filters it with
 * the request's functions). Each choice's text goes through a ChoiceWindow; a block ends
 * the stream cleanly with finish_reason "content_filter" (headers are already sent), and
 * what the upstream sends after that is dropped, except the usage chunk. Log rules only
 * read the text: it is kept (up to max_scan_chars per choice) and scanned in onDone,
 * after the last byte, so they cost the stream no latency.
 */
import type { StreamEvent } from '../../engine/types.ts';
import type { ChatCompletionChunk } from '../../engine/openai-types.ts';
import type { Rule, RuleSet } from './rules.ts';
import { ChoiceWindow } from './stream.ts';
import { countMatches, Tally } from './scan.ts';

type Choice = ChatCompletionChunk['choices'][number];

export interface ResponseLimits {
  maxScanChars: number;
  window: number;
}

/** Per request: the rules that apply to its answer, and the stream's progress. */
export class ResponseState {
  readonly tally = new Tally();
  /** Block or redact rules apply: streamed text must be held back and rewritten. */
  readonly rewrites: boolean;
  blockedBy: Rule | undefined;
  private readonly windows: Array<ChoiceWindow | undefined> = [];
  private readonly finished: boolean[] = [];
  /** Original streamed text per choice, for log rules (scanned in `scanLogged`). */
  private readonly logged: string[] = [];

  constructor(
    readonly set: RuleSet,
    private readonly limits: ResponseLimits,
  ) {
    this.rewrites = set.block.length + set.redact.length > 0;
  }

  /** One SSE event (synchronous, per event): the event to send, or null to drop it. */
  chunk(ev: StreamEvent): StreamEvent | null {
    const data = ev.data;
    const choices = data.choices;
    if (!Array.isArray(choices) || choices.length === 0) return ev; // usage-only chunk
    // After a block only usage goes on (some upstreams put it on their last choice chunk).
    if (this.blockedBy) return data.usage ? { data: { ...data, choices: [] } } : null;
    if (this.set.log.length) this.keepForLog(choices);
    if (!this.rewrites) return ev;
    const out: Choice[] = [];
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      const text = typeof c.delta?.content === 'string' ? c.delta.content : '';
      const final = c.finish_reason != null;
      if (final) this.finished[c.index] = true;
      if (!text && !final) {
        out.push(c.logprobs == null ? c : { ...c, logprobs: null });
        continue;
      }
      const w = (this.windows[c.index] ??= new ChoiceWindow(this.set, this.limits.window, this.limits.maxScanChars));
      const r = w.push(text, final, this.tally);
      if (typeof r !== 'string') {
        this.blockedBy = r;
        return { data: this.endChunk(data, c.index) };
      }
      const { content: _content, ...rest } = c.delta ?? {};
      // A piece held back entirely leaves nothing to send for this choice.
      if (!r && !final && Object.keys(rest).length === 0) continue;
      // logprobs spell out the original tokens, and no longer line up with held-back text.
      out.push({ ...c, delta: r ? { ...rest, content: r } : rest, logprobs: null });
    }
    return out.length ? { data: { ...data, choices: out } } : null;
  }

  /** finish_reason "content_filter" for the blocked choice and every other unfinished one. */
  private endChunk(data: ChatCompletionChunk, blocked: number): ChatCompletionChunk {
    const choices: Choice[] = [];
    const n = Math.max(this.windows.length, blocked + 1);
    for (let i = 0; i < n; i++) {
      if (i !== blocked && (this.windows[i] === undefined || this.finished[i])) continue;
      this.finished[i] = true;
      choices.push({ index: i, delta: {}, finish_reason: 'content_filter' });
    }
    return { ...data, choices };
  }

  private keepForLog(choices: readonly Choice[]): void {
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      const text = c.delta?.content;
      if (typeof text !== 'string' || !text) continue;
      const had = this.logged[c.index] ?? '';
      if (had.length >= this.limits.maxScanChars) continue;
      const next = had + text;
      this.logged[c.index] = next.length > this.limits.maxScanChars ? next.slice(0, this.limits.maxScanChars) : next;
    }
  }

  /** Log rules over the streamed text kept so far (onDone, off the hot path). */
  scanLogged(): void {
    for (let i = 0; i < this.logged.length; i++) {
      const t = this.logged[i];
      if (t) countMatches(this.set.log, t, this.tally);
    }
  }
}
