/**
 * Filtering a streamed answer, one choice's text at a time. onStreamChunk is synchronous
 * and a match can be split across chunks, so each choice holds back a short tail of
 * unsent text (`window` characters) and rescans it with the next chunk:
 *
 * - a match is acted on only once it is complete — it ends before the buffered text does,
 *   or the choice finished — so `sk-abc` is not redacted as a whole key while `…def`
 *   is still on its way; a match touching the end of the buffer is held back whole;
 * - text is sent once more than `window` characters follow it (or a complete match ends
 *   past it), redactions applied;
 * - the last few sent characters are kept as context, so lookbehinds and whole-word
 *   checks at the start of the buffer see what came before.
 *
 * Guaranteed: any match that becomes recognisable within `window` characters of its start
 * is caught whole wherever chunks split it. Not guaranteed: a pattern that needs more than
 * `window` characters before it can match may have its first characters sent before it is
 * recognised; the unsent rest is still redacted (or blocks) when its start is among the
 * last 32 characters sent.
 */
import type { Rule, RuleSet } from './rules.ts';
import { applySpans, eachMatch, redactSpans, type Span, type Tally } from './scan.ts';

/** Characters of sent text kept for lookbehinds (\b, whole words, token boundaries). */
const CONTEXT = 32;

export class ChoiceWindow {
  /** Original text received and not sent yet. */
  private held = '';
  /** The last characters sent (original text), for lookbehind context. */
  private prev = '';

  constructor(
    private readonly set: RuleSet,
    private readonly window: number,
    private readonly limit: number,
  ) {}

  /**
   * Take the next piece of text; returns the text to send now (redacted), or the Rule
   * that blocks the answer. `final` (the choice finished) sends everything held.
   */
  push(delta: string, final: boolean, tally: Tally): string | Rule {
    const buf = this.prev + this.held + delta;
    const base = this.prev.length;
    // A held match that never ends (a runaway token) is released rather than held forever.
    const flush = final || buf.length - base > this.limit;
    const end = buf.length;
    let cut = flush ? end : Math.max(base, end - this.window);
    let blocked: Rule | undefined;
    const { block, redact } = this.set;
    // Scanning starts in the sent context: a match longer than the window whose start
    // already went out still has its unsent rest blocked or redacted.
    for (let i = 0; i < block.length && !blocked; i++) {
      eachMatch(block[i]!, buf, 0, (s, e, valid) => {
        if (e <= base) return;
        if (!flush && e === end) {
          if (s < cut) cut = Math.max(s, base);
          return;
        }
        if (valid) {
          blocked = block[i];
          return false;
        }
      });
    }
    if (blocked) return blocked;
    let spans: Span[] = [];
    if (redact.length) {
      spans = unsent(redactSpans(redact, buf, 0), base);
      if (!flush) {
        // Incomplete (touching the end) spans hold the text from their start: they may grow.
        for (let i = 0; i < spans.length; i++) if (spans[i]!.end === end && spans[i]!.start < cut) cut = spans[i]!.start;
        // A complete span across the cut is sent whole.
        for (let i = 0; i < spans.length; i++) {
          const s = spans[i]!;
          if (s.start < cut && s.end > cut) cut = s.end;
        }
      }
      for (let i = 0; i < spans.length && spans[i]!.start < cut; i++) tally.add(spans[i]!.rule);
    }
    const out = spans.length ? applySpans(buf, base, cut, spans) : buf.slice(base, cut);
    this.held = buf.slice(cut);
    this.prev = buf.slice(Math.max(0, cut - CONTEXT), cut);
    return out;
  }
}

/** Spans (sorted, disjoint) cut to what was not sent yet: [base, …). */
function unsent(spans: Span[], base: number): Span[] {
  let i = 0;
  while (i < spans.length && spans[i]!.end <= base) i++;
  const out = i ? spans.slice(i) : spans;
  if (out.length && out[0]!.start < base) out[0] = { ...out[0]!, start: base };
  return out;
}
