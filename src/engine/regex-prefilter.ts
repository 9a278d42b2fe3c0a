/**
 * A literal every match of a pattern must contain, found in the pattern's source, so a
 * text without it is passed over by a substring search instead of the RE2 automaton
 * (pure-JS RE2 spends ~7 ns per character even to say "no"; `indexOf` a few hundred times
 * less). Conservative by construction: only characters that every match contains, in
 * order, at the top level of the pattern; anything unsure ends the run. A text the
 * prefilter lets through still goes to RE2, so the prefilter can only skip, never match.
 */

/** Characters with a meaning in a pattern; any other character stands for itself. */
const SYNTAX = new Set('\\^$.|?*+()[]{}');

export interface Prefilter {
  /** Whether `text` (from `from` on) contains the literal: false means no match there. */
  mayMatch(text: string, from: number): boolean;
}

/**
 * The longest literal run of `pattern` (at least 2 characters), as a Prefilter, or null
 * when there is none worth checking.
 *
 * @example
 *   requiredLiteral('\\bproject[- ]?(?:falcon|osprey)\\b', 'i') // checks /project/iu
 *   requiredLiteral('cat|dog', '')                               // null: no literal is required
 */
export function requiredLiteral(pattern: string, flags: string): Prefilter | null {
  const literal = longestRun(pattern);
  if (literal === null || literal.length < 2) return null;
  if (!flags.includes('i')) return { mayMatch: (text, from) => text.indexOf(literal, from) !== -1 };
  // Case folding outside ASCII differs between engines in corners: check only ASCII runs.
  if (!/^[\x20-\x7e]+$/.test(literal)) return null;
  // `iu` folds as RE2 does (K matches the Kelvin sign, s the long s).
  const re = new RegExp(literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'giu');
  return {
    mayMatch(text, from) {
      re.lastIndex = from;
      return re.test(text);
    },
  };
}

/** The longest run of literal characters at the top level, or null if the pattern alternates there. */
function longestRun(p: string): string | null {
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < p.length;) {
    const c = p[i]!;
    let atom: string | null = null; // the literal character this atom stands for, if it is one
    let next = i + 1;
    if (c === '|') return null;
    if (c === '\\') {
      const e = p[i + 1] ?? '';
      // An escaped punctuation character is itself; `\d`, `\b`, `\u0041`, `\1`… are not plain.
      if (e !== '' && !/[A-Za-z0-9]/.test(e)) atom = e;
      next = i + 2;
    } else if (c === '[') {
      next = skipClass(p, i);
    } else if (c === '(') {
      next = skipGroup(p, i);
    } else if (!SYNTAX.has(c)) {
      // A surrogate pair is one character: keep it whole.
      const code = p.codePointAt(i)!;
      atom = String.fromCodePoint(code);
      next = i + atom.length;
    }
    const q = quantifier(p, next);
    if (atom === null || q.min === 0) end();
    else {
      run += atom;
      // `ab+c`: the text holds "ab", then more b's: "abc" is not guaranteed.
      if (q.repeats) end();
    }
    i = q.end;
  }
  end();
  return best;
}

/** The quantifier at `i`, if any: its minimum, whether it may repeat, and where it ends. */
function quantifier(p: string, i: number): { min: number; repeats: boolean; end: number } {
  const c = p[i];
  let out: { min: number; repeats: boolean; end: number };
  if (c === '?') out = { min: 0, repeats: false, end: i + 1 };
  else if (c === '*') out = { min: 0, repeats: true, end: i + 1 };
  else if (c === '+') out = { min: 1, repeats: true, end: i + 1 };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (!m) return { min: 1, repeats: false, end: i };
    const min = Number(m[1]);
    out = { min, repeats: m[2] !== undefined ? m[3] === '' || Number(m[3]) > 1 : min > 1, end: i + m[0].length };
  } else return { min: 1, repeats: false, end: i };
  if (p[out.end] === '?') out.end++; // lazy: the same bounds
  return out;
}

function skipClass(p: string, i: number): number {
  for (let j = i + 1; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j + 1;
  }
  return p.length;
}

function skipGroup(p: string, i: number): number {
  let depth = 0;
  for (let j = i; j < p.length; j++) {
    const c = p[j];
    if (c === '\\') j++;
    else if (c === '[') j = skipClass(p, j) - 1;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return p.length;
}
