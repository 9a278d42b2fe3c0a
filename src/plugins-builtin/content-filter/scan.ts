/**
 * Matching one text against a rule set: block rules first (the first complete match
 * refuses), then log rules (counted), then redact rules, whose matches are merged into
 * spans and replaced in one pass, so every rule sees the original text and overlapping
 * matches of two rules become one redaction. The stream window (stream.ts) uses the same
 * span logic on a moving buffer.
 */
import type { Rule, RuleSet } from './rules.ts';

/** Matches per rule, for the metric and the log; made only when something matched. */
export class Tally {
  readonly counts = new Map<Rule, number>();
  add(rule: Rule, n = 1): void {
    this.counts.set(rule, (this.counts.get(rule) ?? 0) + n);
  }
}

export interface Span {
  start: number;
  end: number;
  rule: Rule;
}

/**
 * Calls `visit(start, end, valid)` for each non-empty match of `rule` in `text` at or
 * after `from`, matcher by matcher; `visit` returns false to stop.
 */
export function eachMatch(rule: Rule, text: string, from: number, visit: (start: number, end: number, valid: boolean) => boolean | void): void {
  for (let k = 0; k < rule.matchers.length; k++) {
    const m = rule.matchers[k]!;
    if (m.hint && !hinted(text, m.hint, from)) continue;
    const re = m.re;
    re.lastIndex = from;
    let r: RegExpExecArray | null;
    while ((r = re.exec(text)) !== null) {
      const end = r.index + r[0].length;
      if (end === r.index) {
        re.lastIndex++;
        continue;
      }
      if (visit(r.index, end, !m.valid || m.valid(r[0])) === false) return;
    }
  }
}

function hinted(text: string, hint: readonly string[], from: number): boolean {
  for (let i = 0; i < hint.length; i++) if (text.indexOf(hint[i]!, from) !== -1) return true;
  return false;
}

/** The first block rule with a valid match in `text`, if any. */
export function findBlock(rules: readonly Rule[], text: string): Rule | undefined {
  for (let i = 0; i < rules.length; i++) {
    let hit = false;
    eachMatch(rules[i]!, text, 0, (_s, _e, valid) => {
      if (valid) hit = true;
      return !hit;
    });
    if (hit) return rules[i];
  }
  return undefined;
}

/** Counts valid matches of each rule into `tally`. */
export function countMatches(rules: readonly Rule[], text: string, tally: Tally): void {
  for (let i = 0; i < rules.length; i++) {
    let n = 0;
    eachMatch(rules[i]!, text, 0, (_s, _e, valid) => {
      if (valid) n++;
    });
    if (n) tally.add(rules[i]!, n);
  }
}

/**
 * Valid matches of the redact rules, sorted and merged so spans never overlap (a merged
 * span keeps the rule that starts first; ties go to the earlier rule).
 */
export function redactSpans(rules: readonly Rule[], text: string, from: number): Span[] {
  const raw: Span[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    eachMatch(rule, text, from, (start, end, valid) => {
      if (valid) raw.push({ start, end, rule });
    });
  }
  if (raw.length < 2) return raw;
  raw.sort((a, b) => a.start - b.start || rules.indexOf(a.rule) - rules.indexOf(b.rule));
  const out: Span[] = [raw[0]!];
  for (let i = 1; i < raw.length; i++) {
    const last = out[out.length - 1]!;
    const s = raw[i]!;
    if (s.start < last.end) {
      if (s.end > last.end) out[out.length - 1] = { ...last, end: s.end };
    } else out.push(s);
  }
  return out;
}

/** `text[from, to)` with each span inside it replaced by its rule's `[REDACTED:<rule>]`. */
export function applySpans(text: string, from: number, to: number, spans: readonly Span[]): string {
  let out = '';
  let pos = from;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.start >= to) break;
    out += text.slice(pos, s.start) + s.rule.replacement;
    pos = s.end;
  }
  return out + text.slice(pos, to);
}

/**
 * One whole text (a message, an input, a non-streamed answer): the Rule that blocks it,
 * or the text with redactions applied (the same string when nothing changed). Only the
 * first `limit` characters are scanned; the caller decides what a longer text means.
 */
export function scanText(set: RuleSet, text: string, limit: number, tally: Tally): string | Rule {
  const scanned = text.length > limit ? text.slice(0, limit) : text;
  const blocked = set.block.length ? findBlock(set.block, scanned) : undefined;
  if (blocked) return blocked;
  if (set.log.length) countMatches(set.log, scanned, tally);
  if (!set.redact.length) return text;
  const spans = redactSpans(set.redact, scanned, 0);
  if (!spans.length) return text;
  for (let i = 0; i < spans.length; i++) tally.add(spans[i]!.rule);
  return applySpans(scanned, 0, scanned.length, spans) + text.slice(scanned.length);
}
