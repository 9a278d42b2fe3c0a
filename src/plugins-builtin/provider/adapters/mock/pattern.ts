/**
 * The shortest string a regular expression (a JSON Schema `pattern`) accepts, for the
 * common syntax tool and structured-output schemas use: literals, escapes (\d \w \s \.),
 * classes ([a-z0-9_], [^…]), groups, alternation (first branch) and quantifiers (their
 * minimum). The result is checked against the real RegExp; undefined when it fails
 * (back-references, look-arounds…), so the caller falls back.
 *
 * @example
 *   sampleForPattern('^[A-Z]{3}-\\d+$') // 'AAA-0'
 */

const CLASS_SAMPLE: Record<string, string> = { d: '0', w: 'a', s: ' ', D: 'a', W: '-', S: 'a' };

export function sampleForPattern(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const out = new Walker(pattern).alternation();
  return out !== undefined && re.test(out) ? out : undefined;
}

class Walker {
  private i = 0;
  constructor(private readonly src: string) {}

  /** branch ('|' branch)*: the first branch's sample. */
  alternation(): string | undefined {
    const first = this.sequence();
    while (this.src[this.i] === '|') {
      this.i++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string | undefined {
    let s = '';
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      if (atom === undefined) return undefined;
      const { min } = this.quantifier();
      s += atom.repeat(min);
    }
    return s;
  }

  private atom(): string | undefined {
    const c = this.src[this.i++]!;
    if (c === '^' || c === '$') return '';
    if (c === '.') return 'a';
    if (c === '\\') return this.escape();
    if (c === '[') return this.charClass();
    if (c === '(') {
      if (this.src[this.i] === '?') {
        if (this.src[this.i + 1] !== ':') return undefined; // look-arounds, named groups: give up
        this.i += 2;
      }
      const inner = this.alternation();
      if (this.src[this.i++] !== ')') return undefined;
      return inner;
    }
    return c;
  }

  private escape(): string | undefined {
    const c = this.src[this.i++];
    if (c === undefined) return undefined;
    if (c in CLASS_SAMPLE) return CLASS_SAMPLE[c];
    if (/[1-9kbBpP]/.test(c)) return undefined; // back-references, boundaries, unicode classes
    return c === 'n' ? '\n' : c === 't' ? '\t' : c;
  }

  /** A class: its first allowed character (a negated one: the first of a few candidates it allows). */
  private charClass(): string | undefined {
    let end = this.i;
    while (end < this.src.length && this.src[end] !== ']') end += this.src[end] === '\\' ? 2 : 1;
    if (end >= this.src.length) return undefined;
    const body = this.src.slice(this.i, end);
    this.i = end + 1;
    const cls = new RegExp(`[${body}]`, 'u');
    for (const cand of 'aA0_-. zZ9x') if (cls.test(cand)) return cand;
    return undefined;
  }

  private quantifier(): { min: number } {
    const c = this.src[this.i];
    let min = 1;
    if (c === '?' || c === '*') {
      min = 0;
      this.i++;
    } else if (c === '+') this.i++;
    else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.i));
      if (!m) return { min };
      min = Number(m[1]);
      this.i += m[0].length;
    } else return { min };
    if (this.src[this.i] === '?') this.i++; // lazy
    return { min };
  }
}
