/**
 * The linear-time regex module every config-supplied pattern goes through: a catastrophic
 * pattern stays fast on adversarial input, what RE2 cannot express is refused with the
 * reason, and matching agrees with JavaScript's RegExp where both apply.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSafeRegex, safeRegexProblem, UnsafePatternError } from '../../src/engine/safe-regex.ts';
import { requiredLiteral } from '../../src/engine/regex-prefilter.ts';

/** Every match of a global scan, as [start, end] pairs. */
function scanAll(re: { lastIndex: number; exec(s: string): RegExpExecArray | null }, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push([m.index, m.index + m[0].length]);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

describe('safe-regex (linear-time config patterns)', function () {
  it('matches (a+)+$ against adversarial input without backtracking', function () {
    const re = compileSafeRegex('(a+)+$');
    // 28 characters already take a backtracking engine about two seconds; 100 KB would take
    // longer than the universe has existed.
    let started = performance.now();
    assert.equal(re.exec(`${'a'.repeat(28)}!`), null);
    assert.ok(performance.now() - started < 500, `28 chars took ${performance.now() - started} ms`);
    started = performance.now();
    assert.equal(re.exec(`${'a'.repeat(100_000)}!`), null);
    assert.equal(re.replaceFirst(`/${'a'.repeat(100_000)}!`, '/x'), null);
    const found = re.exec(`${'a'.repeat(100_000)}`);
    assert.equal(found?.[0].length, 100_000);
    assert.ok(performance.now() - started < 1000, `100 KB took ${performance.now() - started} ms`);
  });

  it('refuses backreferences and lookaround, saying why', function () {
    const cases: Array<[string, RegExp]> = [
      ['(a)\\1', /^uses a backreference \(\\1\), which linear-time matching does not support$/],
      ['(?<q>["\'])x\\k<q>', /^uses a named backreference \(\\k<…>\), which linear-time matching does not support$/],
      ['foo(?=bar)', /^uses a lookahead \(\(\?=…\), which linear-time/],
      ['foo(?!bar)', /^uses a lookahead \(\(\?!…\)/],
      ['(?<=\\$)\\d+', /^uses a lookbehind \(\(\?<=…\)/],
      ['(?<!x)y', /^uses a lookbehind \(\(\?<!…\)/],
      ['a{2000}', /^cannot be compiled for linear-time \(RE2\) matching: invalid repeat count/],
      ['(unclosed', /^is not a valid regular expression \(/],
    ];
    for (const [pattern, message] of cases) {
      assert.match(safeRegexProblem(pattern) ?? 'accepted', message, pattern);
      assert.throws(() => compileSafeRegex(pattern), UnsafePatternError);
    }
    // Inside a character class these are plain characters, and accepted.
    assert.equal(safeRegexProblem('[(?=]\\d'), undefined);
    assert.match(safeRegexProblem('a', 'y') ?? '', /flag "y" is not supported/);
  });

  it('finds the same matches as RegExp (literals, classes, alternation, flags)', function () {
    const patterns: Array<[string, string]> = [
      // RE2's \w and \b are ASCII; JavaScript's take in ſ and K (Kelvin) under `iu`.
      ['\\bfalcon\\b', ''],
      ['\\d{3}-\\d{4}', ''],
      ['a|ab|b', ''],
      ['^\\w+$', 'm'],
      ['x.y', 's'],
      ['(?:ab)+', 'i'],
      ['[^a-c]{2}', ''],
      ['\\Bb', ''],
      ['é+', 'iu'],
      // Literal runs the prefilter extracts, and the cases where it must stop short.
      ['abc', ''],
      ['ab+c', ''],
      ['xa?yz', 'i'],
      ['(?:ab|cd)xyz', ''],
      ['ab{0,2}c\\.x', ''],
      ['[ab]cx\\d', 'i'],
      ['abc|xyz', ''],
      ['ab(c)?xy', 'i'],
      ['y\\.x{2}ab', ''],
      ['a😀b', ''],
      ['kas', 'i'],
    ];
    const alphabet = fc.constantFrom(
      'a',
      'b',
      'c',
      'x',
      'y',
      'z',
      ' ',
      '\n',
      '1',
      '2',
      '-',
      '.',
      'É',
      'é',
      'F',
      'f',
      'A',
      'B',
      'X',
      '😀',
      '\u212a',
      '\u017f',
      'k',
      's',
    );
    // Whole fragments too, so the literal runs actually occur and matches are common.
    const fragment = fc.constantFrom('abc', 'abbc', 'xyz', 'XaYZ', 'cdxyz', 'abbc.x', 'bcx1', 'abcxy', 'y.xxab', 'a😀b', 'KAS', 'ka\u017f', 'project falcon');
    const piece = fc.oneof(alphabet, fragment);
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.array(piece, { maxLength: 12 }), fc.nat(40), ([source, flags], chars, fromRaw) => {
        const text = chars.join('');
        // RE2 matches code points, as RegExp does under `u`.
        const native = new RegExp(source, `${flags.replace('u', '')}gu`);
        const safe = compileSafeRegex(source, flags);
        assert.deepEqual(scanAll(safe, text), scanAll(native, text), `${source} /${flags} on ${JSON.stringify(text)}`);
        // A scan resumed mid-text (the stream window does this) sees its left neighbour.
        // (Never between the halves of a surrogate pair: engines disagree on what that means.)
        let from = Math.min(fromRaw, text.length);
        if (/[\udc00-\udfff]/.test(text[from] ?? '')) from--;
        native.lastIndex = from;
        safe.lastIndex = from;
        assert.deepEqual(safe.exec(text)?.index ?? null, native.exec(text)?.index ?? null, `from ${from}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('skips the automaton only for texts that lack a required literal', function () {
    const cases: Array<[string, string, string, boolean]> = [
      ['\\bproject[- ]?(?:falcon|osprey)\\b', 'i', 'nothing here', false],
      ['\\bproject[- ]?(?:falcon|osprey)\\b', 'i', 'PROJECT-x', true],
      ['ab+c', '', 'xabx', true],
      ['ab+c', '', 'xbcx', false],
      ['cat|dog', '', 'zzz', true],
      ['a?b?', '', '', true],
    ];
    for (const [source, flags, text, may] of cases) {
      const pre = requiredLiteral(source, flags);
      assert.equal(pre === null || pre.mayMatch(text, 0), may, `${source} on ${text}`);
    }
    assert.equal(requiredLiteral('cat|dog', ''), null);
    assert.equal(requiredLiteral('(?:abc)+', ''), null);
  });

  it('replaces the first match like String.prototype.replace', function () {
    const cases: Array<[string, string, string]> = [
      ['^/api/(v\\d+)/', '/api/v2/users?id=1', '/$1/'],
      ['^/old', '/old/path', '/new'],
      ['(?<ver>v\\d)', '/x/v3/y', '[$<ver>]'],
      ['o', '/foo/boo', '$&$&'],
      ['(a)(b)?', 'xab', '<$2|$1|$$|$9|$12>'],
    ];
    for (const [pattern, path, to] of cases) {
      assert.equal(compileSafeRegex(pattern).replaceFirst(path, to), path.replace(new RegExp(pattern), to), `${pattern} → ${to}`);
    }
    assert.equal(compileSafeRegex('^/nope').replaceFirst('/api', '/x'), null);
  });
});
