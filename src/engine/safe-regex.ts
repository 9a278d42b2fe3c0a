/**
 * Regular expressions written in a config file, compiled for linear-time matching (RE2,
 * through re2js) rather than V8's backtracking engine: `(a+)+$` on a few dozen
 * characters can hold a backtracking engine — and the whole event loop — for seconds,
 * and a client chooses the text. Every user-supplied pattern (content-filter rules,
 * router rules, route `path_rewrite`) goes through here; a pattern RE2 cannot express
 * (backreferences, lookaround) is refused at load with the reason.
 */
import { RE2JS, type Matcher } from 're2js';
import { requiredLiteral, type Prefilter } from './regex-prefilter.ts';

/** What a global scan needs: `RegExp` with the `g` flag fits it too (built-in patterns). */
export interface GlobalPattern {
  lastIndex: number;
  exec(text: string): RegExpExecArray | null;
}

/** A pattern that cannot be compiled for linear-time matching; the message says why. */
export class UnsafePatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePatternError';
  }
}

const FLAG_BITS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0, g: 0 };

/**
 * A compiled pattern. `exec` follows `RegExp`'s global contract (`lastIndex` in, match
 * out, `lastIndex` moved past it, reset to 0 at the end) so scanning code serves both.
 */
export class SafeRegex implements GlobalPattern {
  lastIndex = 0;
  private readonly re: RE2JS;
  private readonly prefilter: Prefilter | null;
  // One matcher per pattern, re-pointed at each text: scans are synchronous, so none overlap.
  private matcher: Matcher | null = null;
  private matcherText: string | null = null;

  constructor(
    readonly source: string,
    readonly flags: string,
  ) {
    this.re = compile(source, flags);
    this.prefilter = requiredLiteral(source, flags);
  }

  /** Whether `text` contains a match (the DFA: the cheapest question RE2 answers). */
  test(text: string): boolean {
    if (this.prefilter !== null && !this.prefilter.mayMatch(text, 0)) return false;
    return this.re.test(text);
  }

  exec(text: string): RegExpExecArray | null {
    const from = this.lastIndex;
    // The DFA says "no match at all" several times faster than a search that reports
    // where, and most texts hold no match. From `from - 1`, so `\b` at `from` sees its
    // left neighbour: the slice can only add matches, never hide one.
    if (from > text.length || (this.prefilter !== null && !this.prefilter.mayMatch(text, from)) || !this.re.test(from === 0 ? text : text.slice(from - 1))) {
      this.lastIndex = 0;
      return null;
    }
    const m = this.matcherFor(text);
    if (!m.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const start = m.start();
    const end = m.end();
    const out = [text.slice(start, end)] as unknown as RegExpExecArray;
    out.index = start;
    out.input = text;
    this.lastIndex = end;
    return out;
  }

  /**
   * `text` with its first match replaced, as `String.prototype.replace` does with a string
   * replacement (`$1`…`$99`, `$<name>`, `$&`, `$$`); null when nothing matches.
   *
   * @example
   *   new SafeRegex('^/api/(v\\d)', '').replaceFirst('/api/v2/x', '/$1') // '/v2/x'
   */
  replaceFirst(text: string, replacement: string): string | null {
    if (!this.test(text)) return null;
    const m = this.matcherFor(text);
    if (!m.find(0)) return null;
    return text.slice(0, m.start()) + expandReplacement(replacement, m) + text.slice(m.end());
  }

  private matcherFor(text: string): Matcher {
    if (this.matcher === null) this.matcher = this.re.matcher(text);
    else if (this.matcherText !== text) this.matcher.resetMatcherInput(text);
    this.matcherText = text;
    return this.matcher;
  }
}

/**
 * Compile `pattern` (JavaScript syntax) for linear-time matching.
 *
 * @example
 *   compileSafeRegex('\\bfalcon\\b', 'i').test('Project Falcon') // true
 *   compileSafeRegex('(a)\\1')  // throws UnsafePatternError: uses a backreference (\1), which linear-time matching does not support
 * @throws UnsafePatternError with a message fit to follow the config path
 */
export function compileSafeRegex(pattern: string, flags = ''): SafeRegex {
  return new SafeRegex(pattern, flags);
}

/** Why `pattern` cannot be used, or undefined when it can (config checks). */
export function safeRegexProblem(pattern: string, flags = ''): string | undefined {
  try {
    compile(pattern, flags);
    return undefined;
  } catch (err) {
    if (err instanceof UnsafePatternError) return err.message;
    throw err;
  }
}

function compile(pattern: string, flags: string): RE2JS {
  let bits = 0;
  for (const f of flags) {
    const bit = FLAG_BITS[f];
    if (bit === undefined) throw new UnsafePatternError(`flag "${f}" is not supported (use any of i, m, s, u)`);
    bits |= bit;
  }
  // Native compilation never runs the pattern: it is safe, and its message is the one
  // people know for a plain syntax error.
  try {
    new RegExp(pattern, flags.replace('g', ''));
  } catch (err) {
    const detail = (err as Error).message.replace(/^Invalid regular expression: /, '');
    throw new UnsafePatternError(`is not a valid regular expression${flags ? ` with flags "${flags}"` : ''} (${detail})`);
  }
  const feature = unsupportedFeature(pattern);
  if (feature) throw new UnsafePatternError(`uses ${feature}, which linear-time matching does not support`);
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    const detail = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new UnsafePatternError(`cannot be compiled for linear-time (RE2) matching: ${detail}`);
  }
}

/**
 * The JavaScript features RE2 lacks, found before translation: re2js would otherwise turn
 * `\k<name>` into the letters `k<name>` and match something else without a word.
 */
function unsupportedFeature(p: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      if (!inClass && n >= '1' && n <= '9') return `a backreference (\\${/^\d+/.exec(p.slice(i + 1))![0]})`;
      if (!inClass && n === 'k' && p[i + 2] === '<') return 'a named backreference (\\k<…>)';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && p[i + 1] === '?') {
      const kind = p.slice(i + 2, i + 4);
      if (kind[0] === '=' || kind[0] === '!') return `a lookahead (${p.slice(i, i + 3)}…)`;
      if (kind === '<=' || kind === '<!') return `a lookbehind (${p.slice(i, i + 4)}…)`;
    }
  }
  return undefined;
}

const REPLACEMENT = /\$(\$|&|<([^>]*)>|(\d\d?))/g;

function expandReplacement(replacement: string, m: Matcher): string {
  if (!replacement.includes('$')) return replacement;
  const groups = m.groupCount();
  return replacement.replace(REPLACEMENT, function expand(token, what: string, name?: string, digits?: string) {
    if (what === '$') return '$';
    if (what === '&') return m.group(0) ?? '';
    if (name !== undefined) return Object.hasOwn(m.pattern().namedGroups(), name) ? (m.group(name) ?? '') : '';
    // As String.prototype.replace: `$12` is group 12 if it exists, else group 1 then "2".
    const two = Number(digits);
    if (digits!.length === 2 && two >= 1 && two <= groups) return m.group(two) ?? '';
    const one = Number(digits![0]);
    if (one >= 1 && one <= groups) return (m.group(one) ?? '') + digits!.slice(1);
    return token;
  });
}
