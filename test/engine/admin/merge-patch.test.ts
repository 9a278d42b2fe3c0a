/** JSON Merge Patch: the test cases of RFC 7386, appendix A, and the cases the admin API relies on. */
import assert from 'node:assert/strict';
import { mergePatch } from '../../../src/engine/admin/merge-patch.ts';

describe('mergePatch (RFC 7386)', () => {
  // https://www.rfc-editor.org/rfc/rfc7386#appendix-A
  const rfc: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  rfc.forEach(([target, patch, result], i) => {
    it(`appendix A case ${i + 1}`, () => {
      assert.deepEqual(mergePatch(target, patch), result);
    });
  });

  it('keeps the members a patch does not name, deep inside objects; never changes its arguments', () => {
    const target = { limits: { rpm: 5, tpm: 100, concurrency: 2 }, permissions: { models: ['a', 'b'] } };
    const patch = { limits: { rpm: 100 }, permissions: { models: ['c'] } };
    assert.deepEqual(mergePatch(target, patch), { limits: { rpm: 100, tpm: 100, concurrency: 2 }, permissions: { models: ['c'] } });
    assert.deepEqual(target, { limits: { rpm: 5, tpm: 100, concurrency: 2 }, permissions: { models: ['a', 'b'] } });
    assert.deepEqual(patch, { limits: { rpm: 100 }, permissions: { models: ['c'] } });
  });

  it('a "__proto__" member stays a plain member and never becomes the prototype', () => {
    const out = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { polluted?: unknown }).polluted, undefined);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
});
