/** The nesting check that keeps bodies deep enough to overflow JSON.stringify out of the gateway. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../src/engine/json-depth.ts';

/** Depth of a parsed value, the obvious (recursive) way, for small values. */
function depthOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const kids = Array.isArray(v) ? v : Object.values(v as object);
  return 1 + kids.reduce((m: number, k) => Math.max(m, depthOf(k)), 0);
}

/** Strings made of the characters a scanner could trip on: quotes, backslashes, brackets. */
const tricky = fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', ',');

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    assert.equal(jsonDepthExceeds('[[[1]]]', 3), false);
    assert.equal(jsonDepthExceeds('[[[1]]]', 2), true);
    assert.equal(jsonDepthExceeds('{"a":{"b":[]}}', 3), false);
    assert.equal(jsonDepthExceeds('{"a":{"b":[]}}', 2), true);
    assert.equal(jsonDepthExceeds('["[[[[[[", "\\"[[[[", {}]', 2), false);
    assert.equal(jsonDepthExceeds('"[[[[[["', 0), false);
    assert.equal(jsonDepthExceeds('[1,[2],[3],[4]]', 2), false, 'siblings do not add up');
  });

  it('agrees with the depth of the parsed value, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8, stringUnit: tricky }), fc.integer({ min: 0, max: 9 }), (v, max) => {
        const text = JSON.stringify(v);
        assert.equal(jsonDepthExceeds(text, max), depthOf(v) > max);
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the limit on a 1,000,000-deep body (no recursion, no stack)', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    assert.equal(jsonDepthExceeds(text), true);
    assert.equal(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), false);
  });
});
