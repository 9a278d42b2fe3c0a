import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pathProblem } from '../../../src/engine/server/dot-segments.ts';

describe('dot-segments: paths a backend could resolve outside a route', () => {
  it('refuses each form of a dot-segment', () => {
    for (const p of [
      '/a/..',
      '/a/./b',
      '/a/%2E%2e/b',
      '/a/%252e%252e/b',
      '/a/..%2fb',
      '/a/..%5Cb',
      '/a\\..\\b',
      '/a/..;x=1/b',
      '/a/%c0%ae%c0%ae/b',
      '/a/%ef%bc%8e%ef%bc%8e/b',
      '/a/..%00',
      '/a/...',
      '/a/.%20/b',
    ])
      assert.ok(pathProblem(p), p);
  });

  it('refuses a target that is not a path, and one encoded past the decoding rounds', () => {
    assert.ok(pathProblem('*'));
    assert.ok(pathProblem('http://evil.example/a'));
    assert.match(pathProblem('/a/%2525252525252e')!, /too many times/);
  });

  it('passes names with dots, the query, and plain percent-encoding', () => {
    for (const p of [
      '/',
      '/a/file.v1.json',
      '/a/..foo',
      '/a/foo..',
      '/a/.well-known/x',
      '/a/v1..2',
      '/a/%41%42',
      '/a/100%25',
      '/a/%zz',
      '/a?x=../..',
      '/a/caf%C3%A9',
    ])
      assert.equal(pathProblem(p), undefined, p);
  });

  it('property: a path of names with no segment of dots only always passes', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_~.-]{1,12}$/).filter((s) => !/^\.+$/.test(s));
    fc.assert(fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), (segments) => pathProblem(`/${segments.join('/')}`) === undefined));
  });
});
