/**
 * The one semver question the engine asks: does a plugin's `engine` range accept this
 * gateway's plugin API version? npm's range grammar for release versions — comparators
 * (`>=1.2.0 <3`), caret (`^1.2`), tilde (`~1.2.3`), x-ranges (`1.x`, `*`), hyphen ranges
 * (`1.0.0 - 2.1`) and unions (`^1 || ^2`) — small enough to own rather than depend on.
 * A range that does not parse is an error, so a plugin never loads by accident.
 */

type Version = readonly [number, number, number];
type Op = '>=' | '>' | '<=' | '<' | '=';
interface Comparator {
  op: Op;
  v: Version;
}
/** Alternatives (`||`), each a conjunction of comparators. */
type Range = Comparator[][];

export class SemverRangeError extends Error {
  constructor(range: string) {
    super(`"${range}" is not a semver range (write e.g. ^1.0.0, >=1.2 <3, 1.x)`);
    this.name = 'SemverRangeError';
  }
}

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/;

/**
 * @example
 *   satisfies('1.4.0', '^1.2.0')      // true
 *   satisfies('1.4.0', '>=1 <3')      // true
 *   satisfies('2.0.0', '~1.4 || ^3')  // false
 *   satisfies('1.0.0', 'one')         // throws SemverRangeError
 */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return parseRange(range).some((all) => all.every((c) => test(v, c)));
}

function parseVersion(text: string): Version {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a release version`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function parseRange(range: string): Range {
  const alternatives = range.split('||').map((part) => part.trim());
  return alternatives.map(function parseSet(set): Comparator[] {
    if (set === '' || set === '*') return [];
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
    if (hyphen) return [...lowerBound(hyphen[1]!, range), ...upperInclusive(hyphen[2]!, range)];
    // `>= 1.2` is `>=1.2`: join an operator to the version after it.
    const tokens = set.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    return tokens.flatMap((t) => comparators(t, range));
  });
}

/** A partial version: its numbers and how many of them were given (x and * end it). */
function partial(text: string, range: string): { n: number[]; given: number } {
  const m = PARTIAL.exec(text);
  if (!m) throw new SemverRangeError(range);
  const n: number[] = [];
  for (const part of [m[1], m[2], m[3]]) {
    if (part === undefined || /[xX*]/.test(part)) break;
    n.push(Number(part));
  }
  return { n, given: n.length };
}

const at = (n: number[]): Version => [n[0] ?? 0, n[1] ?? 0, n[2] ?? 0];

function comparators(token: string, range: string): Comparator[] {
  const m = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(token)!;
  const op = m[1] ?? '';
  const { n, given } = partial(m[2]!, range);
  if (given === 0) return op === '<' || op === '>' ? [{ op: '<', v: [0, 0, 0] }] : [];
  const lo = at(n);
  switch (op) {
    case '^': {
      // ^1.2.3 → <2.0.0; ^0.2.3 → <0.3.0; ^0.0.3 → <0.0.4 (the first non-zero part is fixed).
      const fixed = n.findIndex((x, i) => x !== 0 || i === given - 1);
      return [
        { op: '>=', v: lo },
        { op: '<', v: bump(n, Math.min(fixed, given - 1)) },
      ];
    }
    case '~':
      return [
        { op: '>=', v: lo },
        { op: '<', v: bump(n, given === 1 ? 0 : 1) },
      ];
    case '>=':
      return [{ op: '>=', v: lo }];
    case '>':
      return [given === 3 ? { op: '>', v: lo } : { op: '>=', v: bump(n, given - 1) }];
    case '<':
      return [{ op: '<', v: lo }];
    case '<=':
      return [given === 3 ? { op: '<=', v: lo } : { op: '<', v: bump(n, given - 1) }];
    default:
      // `1.2` means 1.2.x; `=1.2.3` and `1.2.3` mean exactly that version.
      return given === 3
        ? [{ op: '=', v: lo }]
        : [
            { op: '>=', v: lo },
            { op: '<', v: bump(n, given - 1) },
          ];
  }
}

function lowerBound(text: string, range: string): Comparator[] {
  const { n, given } = partial(text, range);
  return given === 0 ? [] : [{ op: '>=', v: at(n) }];
}

function upperInclusive(text: string, range: string): Comparator[] {
  const { n, given } = partial(text, range);
  if (given === 0) return [];
  return given === 3 ? [{ op: '<=', v: at(n) }] : [{ op: '<', v: bump(n, given - 1) }];
}

/** The next version at part `i` (0 major, 1 minor, 2 patch), lower parts zeroed. */
function bump(n: number[], i: number): Version {
  const out = [n[0] ?? 0, n[1] ?? 0, n[2] ?? 0];
  out[i]! += 1;
  for (let j = i + 1; j < 3; j++) out[j] = 0;
  return out as unknown as Version;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function test(v: Version, c: Comparator): boolean {
  const d = compare(v, c.v);
  switch (c.op) {
    case '>=':
      return d >= 0;
    case '>':
      return d > 0;
    case '<=':
      return d <= 0;
    case '<':
      return d < 0;
    default:
      return d === 0;
  }
}
