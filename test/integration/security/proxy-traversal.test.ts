/**
 * Dot-segments on proxy routes (#9.6): a path a backend could resolve outside the
 * route's rewrite prefix is refused with 400 before any rewrite, in every encoding an
 * attacker may try; paths with dots inside names keep working. The app behind the route
 * is a real server recording the request target it got; the property test checks what
 * it got with normalisers the gateway does not use (WHATWG URL, path.posix after one or
 * two rounds of decoding), so it does not grade the gateway with its own rule.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import fc from 'fast-check';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { rawRequest, startRecordingApp, upgradeStatus, type RecordingApp } from '../../helpers/recording-app.ts';

/** Lenient percent-decoding (bad sequences stay), backslashes as slashes: what many backends do. */
function decodeOnce(p: string): string {
  return p.replace(/(%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8')).replace(/\\/g, '/');
}

/** Where backends may resolve the target the app got, by several normalisers. */
function resolvedPaths(target: string): string[] {
  const p = target.split('?')[0]!;
  const once = decodeOnce(p);
  const twice = decodeOnce(once);
  return [
    new URL(p, 'http://app').pathname,
    path.posix.normalize(once),
    path.posix.normalize(twice),
    path.posix.normalize(once.normalize('NFKC')),
    path.posix.normalize(twice.normalize('NFKC').replace(/;[^/]*/g, '')),
  ];
}

const insideBase = (p: string) => p === '/base' || p.startsWith('/base/');

describe('proxy routes refuse dot-segments (#9.6)', function () {
  this.timeout(120_000);
  let app: RecordingApp;
  let gw: TestGateway;
  before(async () => {
    app = await startRecordingApp();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
routes:
  - path: /apps/x
    proxy: { target: ${app.url}, path_rewrite: { "^/apps/x": "/base" }, ws: true }
`);
  });
  after(async () => {
    await gw?.stop();
    await app?.close();
  });

  const attacks = [
    '/apps/x/../admin',
    '/apps/x/./../admin',
    '/apps/x/..',
    '/apps/x/%2e%2e/admin',
    '/apps/x/%2E%2E/admin',
    '/apps/x/.%2e/admin',
    '/apps/x/%2e./admin',
    '/apps/x/..%2fadmin',
    '/apps/x/..%2Fadmin',
    '/apps/x/%2e%2e%2fadmin',
    '/apps/x/..%5cadmin',
    '/apps/x/..\\admin',
    '/apps/x/a\\..\\..\\admin',
    '/apps/x/%252e%252e/admin',
    '/apps/x/%25252e%25252e%25252fadmin',
    '/apps/x/..;/admin',
    '/apps/x/..;jsessionid=1/admin',
    '/apps/x/%c0%ae%c0%ae/admin',
    '/apps/x/%e0%80%ae%e0%80%ae/admin',
    '/apps/x/%EF%BC%8E%EF%BC%8E/admin',
    '/apps/x/..%EF%BC%8Fadmin',
    '/apps/x/..%00/admin',
    '/apps/x/...',
    '/apps/x/..%20/admin',
    '/apps/x/.',
  ];

  it('refuses each known encoding with 400 and a clear message; the app never sees one', async () => {
    const before = app.received.length;
    for (const target of attacks) {
      const r = await rawRequest(gw.url, target);
      assert.equal(r.status, 400, `${target} → ${r.status}`);
      const body = JSON.parse(r.body) as { error: { code: string; message: string; type: string } };
      assert.equal(body.error.code, 'invalid_request', target);
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(body.error.message, /segment|NUL|overlong|encoded/, target);
    }
    assert.equal(app.received.length, before, `the app got ${JSON.stringify(app.received.slice(before).map((r) => r.url))}`);
  });

  it('keeps dots inside names, and dots in the query, working', async () => {
    const legit: Array<[string, string]> = [
      ['/apps/x/file.v1.json', '/base/file.v1.json'],
      ['/apps/x/..foo', '/base/..foo'],
      ['/apps/x/foo..', '/base/foo..'],
      ['/apps/x/v1..2/a', '/base/v1..2/a'],
      ['/apps/x/.well-known/openid-configuration', '/base/.well-known/openid-configuration'],
      // An escaped unreserved character is the character itself: forwarded decoded (canonical-url.ts).
      ['/apps/x/a%2eb', '/base/a.b'],
      ['/apps/x/search?next=../b&q=%2e%2e', '/base/search?next=../b&q=%2e%2e'],
      ['/apps/x', '/base'],
    ];
    for (const [target, expected] of legit) {
      const r = await rawRequest(gw.url, target);
      assert.equal(r.status, 200, `${target} → ${r.status} ${r.body}`);
      assert.equal(app.received.at(-1)!.url, expected);
    }
  });

  it('refuses a dot-segment upgrade before the pipeline; the app never sees it', async () => {
    const before = app.received.length;
    assert.equal(await upgradeStatus(gw.url, '/apps/x/%2e%2e/admin'), 400);
    assert.equal(await upgradeStatus(gw.url, '/apps/x/..\\admin'), 400);
    assert.equal(app.received.length, before);
    assert.equal(await upgradeStatus(gw.url, '/apps/x/socket'), 101);
    assert.equal(app.received.at(-1)!.url, '/base/socket');
  });

  it('property: whatever the encoding, the app never gets a path that resolves outside /base', async () => {
    const segment = fc.constantFrom(
      '.',
      '..',
      '%2e',
      '%2E',
      '%2e%2e',
      '%2E%2e',
      '.%2e',
      '%2e.',
      '%252e%252e',
      '%25252e.',
      '..;',
      '..;a=b',
      '%2e%2e;x',
      '..%20',
      '...',
      '%c0%ae%c0%ae',
      '%EF%BC%8E%EF%BC%8E',
      '..%00',
      'a',
      'admin',
      'file.v1.json',
      '..foo',
      '.well-known',
      'v1..2',
      '%41b',
      '%zz',
      '%',
    );
    const separator = fc.constantFrom('/', '//', '\\', '%2f', '%2F', '%5c', '%5C', '%252f', '%EF%BC%8F', ';/');
    const target = fc
      .array(fc.tuple(separator, segment), { minLength: 1, maxLength: 6 })
      .chain((parts) => fc.tuple(fc.constant(parts), fc.constantFrom('', '?q=../x', '?a=%2e%2e%2f')))
      .map(([parts, query]) => `/apps/x/${parts.map(([sep, seg], i) => (i === 0 ? seg : sep + seg)).join('')}${query}`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let forwarded = 0;
    let refused = 0;
    try {
      await fc.assert(
        fc.asyncProperty(target, async (t) => {
          const before = app.received.length;
          const r = await rawRequest(gw.url, t, {}, agent);
          if (r.status === 400) {
            refused++;
            assert.equal(app.received.length, before, 'a refused request never reaches the app');
            assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'invalid_request');
            return;
          }
          assert.equal(r.status, 200, `${t} → ${r.status} ${r.body}`);
          forwarded++;
          const got = app.received.at(-1)!.url;
          for (const p of resolvedPaths(got)) assert.ok(insideBase(p), `${t} reached the app as ${got}, which resolves to ${p}`);
        }),
        { numRuns: 400 },
      );
    } finally {
      agent.destroy();
    }
    // The property is not met by refusing everything.
    assert.ok(forwarded > 20 && refused > 20, `forwarded ${forwarded}, refused ${refused}`);
  });
});
