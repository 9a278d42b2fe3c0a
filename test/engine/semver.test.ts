/** The plugin API range check: npm's range grammar for release versions. */
import assert from 'node:assert/strict';
import { satisfies, SemverRangeError } from '../../src/engine/semver.ts';

describe('semver ranges (plugin `engine`)', function () {
  it('accepts what each range accepts, and nothing else', function () {
    const cases: Array<[string, string[], string[]]> = [
      ['^1.2.0', ['1.2.0', '1.9.9'], ['1.1.9', '2.0.0', '0.9.0']],
      ['^1', ['1.0.0', '1.99.0'], ['2.0.0', '0.1.0']],
      ['^0.2.3', ['0.2.3', '0.2.9'], ['0.3.0', '0.2.2']],
      ['^0.0.3', ['0.0.3'], ['0.0.4']],
      ['~1.2.3', ['1.2.3', '1.2.9'], ['1.3.0', '1.2.2']],
      ['~1', ['1.5.0'], ['2.0.0']],
      ['>=1 <3', ['1.0.0', '2.9.9'], ['0.9.9', '3.0.0']],
      ['>= 1.2 < 2', ['1.2.0', '1.9.0'], ['1.1.0', '2.0.0']],
      ['>1.2', ['1.3.0'], ['1.2.9']],
      ['>1.2.3', ['1.2.4'], ['1.2.3']],
      ['<=1.2', ['1.2.9'], ['1.3.0']],
      ['1.x', ['1.0.0', '1.7.1'], ['2.0.0']],
      ['1.2', ['1.2.0', '1.2.5'], ['1.3.0']],
      ['1.0.0', ['1.0.0'], ['1.0.1']],
      ['*', ['0.0.1', '9.9.9'], []],
      ['1.0.0 - 2.1', ['1.0.0', '2.1.9'], ['2.2.0', '0.9.9']],
      ['^1.2.0 || ^3', ['1.3.0', '3.1.0'], ['2.0.0']],
    ];
    for (const [range, yes, no] of cases) {
      for (const v of yes) assert.equal(satisfies(v, range), true, `${v} in ${range}`);
      for (const v of no) assert.equal(satisfies(v, range), false, `${v} not in ${range}`);
    }
  });

  it('refuses a range that does not parse', function () {
    for (const range of ['one', '^1.0.0-beta', '>=', '1.2.3.4', '^a']) {
      assert.throws(() => satisfies('1.0.0', range), SemverRangeError, range);
    }
  });
});
