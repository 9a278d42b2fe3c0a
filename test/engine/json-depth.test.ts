/** The body scan: nesting deep enough to overflow JSON.stringify, and repeated keys (#9.10), kept out of the gateway. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonDepthExceeds, MAX_JSON_DEPTH, scanJsonText } from '../../src/engine/json-depth.ts';

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

/** A JSON value whose objects are lists of members, so that keys can repeat. */
type Doc = null | number | string | Doc[] | { members: Array<[string, Doc]> };

function render(d: Doc, escapeKeys: boolean): string {
  if (d === null || typeof d !== 'object') return JSON.stringify(d);
  if (Array.isArray(d)) return `[${d.map((x) => render(x, escapeKeys)).join(',')}]`;
  // Every other key spelt with its first character escaped (`"\\u006bey"` for `key`): the
  // scan must see it as the same key as its plain spelling.
  const escaped = (k: string) => `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(k).slice(2)}`;
  const key = (k: string, i: number) => (escapeKeys && i % 2 === 1 && k.length > 0 ? escaped(k) : JSON.stringify(k));
  return `{${d.members.map(([k, v], i) => `${key(k, i)}:${render(v, escapeKeys)}`).join(' , ')}}`;
}

/** The path of the first repeated key in document order, the obvious (recursive) way. */
function firstRepeat(d: Doc, path: string): string | undefined {
  if (d === null || typeof d !== 'object') return undefined;
  if (Array.isArray(d)) {
    for (let i = 0; i < d.length; i++) {
      const p = firstRepeat(d[i]!, `${path}[${i}]`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const [k, v] of d.members) {
    const here = /^[A-Za-z_$][\w$]*$/.test(k) ? (path === '' ? k : `${path}.${k}`) : `${path}[${JSON.stringify(k)}]`;
    if (seen.has(k)) return here;
    seen.add(k);
    const p = firstRepeat(v, here);
    if (p !== undefined) return p;
  }
  return undefined;
}

const docArb: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.integer(),
    fc.string({ unit: tricky, maxLength: 6 }),
    fc.array(tie('doc'), { maxLength: 4 }),
    fc.record({ members: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'model', 'x"y', 'k\\', '', 'content', 'é'), tie('doc')), { maxLength: 5 }) }),
  ),
})).doc;

describe('scanJsonText: repeated keys', () => {
  it('names the path of a repeated key, at any depth', () => {
    assert.deepEqual(scanJsonText('{"model":"a","model":"b"}'), { kind: 'duplicate', key: 'model', path: 'model' });
    assert.deepEqual(scanJsonText('{"model":"m","messages":[{"role":"user","content":"x"},{"role":"user","content":"a","content":"b"}]}'), {
      kind: 'duplicate',
      key: 'content',
      path: 'messages[1].content',
    });
    assert.deepEqual(scanJsonText('{"a b":{"c":1,"c":2}}'), { kind: 'duplicate', key: 'c', path: '["a b"].c' });
    assert.equal(scanJsonText('[{"a":1},{"a":1}]'), undefined, 'the same key in sibling objects is fine');
    assert.equal(scanJsonText('{"a":{"a":{"a":1}}}'), undefined, 'and in nested ones');
    assert.equal(scanJsonText('{"a":"\\"a\\":1,\\"a\\":2"}'), undefined, 'keys inside a string are not keys');
  });

  it('sees a key spelt with escapes as the key it decodes to', () => {
    assert.deepEqual(scanJsonText('{"model":"a","mod\\u0065l":"b"}'), { kind: 'duplicate', key: 'model', path: 'model' });
    assert.deepEqual(scanJsonText('{"\\u006dodel":"a","model":"b"}'), { kind: 'duplicate', key: 'model', path: 'model' });
  });

  it('finds a repeat among many keys (past the in-place comparison)', () => {
    const members = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    assert.equal(scanJsonText(`{${members.join(',')}}`), undefined);
    assert.deepEqual(scanJsonText(`{${members.join(',')},"k3":0}`), { kind: 'duplicate', key: 'k3', path: 'k3' });
    const big = Array.from({ length: 50_000 }, (_, i) => `"k${i}":0`);
    assert.equal(scanJsonText(`{${big.join(',')}}`), undefined, 'and stays linear on a huge object');
  });

  it('agrees with a recursive reference on any document, plain or escaped', () => {
    fc.assert(
      fc.property(docArb, fc.boolean(), (d, escape) => {
        const text = render(d, escape);
        JSON.parse(text); // the scan's contract: valid JSON only
        const expected = firstRepeat(d, '');
        const got = scanJsonText(text);
        assert.equal(got?.kind === 'duplicate' ? got.path : undefined, expected, text);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves the depth check as it was when repeats are not asked for', () => {
    assert.equal(scanJsonText('{"a":1,"a":2}', { duplicates: false }), undefined);
    assert.deepEqual(scanJsonText('[[[]]]', { maxDepth: 2 }), { kind: 'depth' });
  });
});
