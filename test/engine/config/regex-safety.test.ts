/**
 * Every regex a config supplies runs in linear time: content-filter rules, router rules
 * and route `path_rewrite`. `(a+)+$` is accepted (RE2 runs it in linear time) and stays
 * fast on the input that freezes a backtracking engine — 28 characters already take one
 * about two seconds; what RE2 cannot express is refused at load, located.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MINIMAL, linesOf } from './helpers.ts';
import { compileRules } from '../../../src/plugins-builtin/content-filter/rules.ts';
import { scanText, Tally } from '../../../src/plugins-builtin/content-filter/scan.ts';
import { compileRouter } from '../../../src/plugins-builtin/router/config.ts';
import { modelMatcher } from '../../../src/plugins-builtin/transform/match.ts';
import { startTestGateway } from '../../helpers/gateway.ts';

const ADVERSARIAL = `${'a'.repeat(28)}!`;
const BACKREF = 'uses a backreference (\\1), which linear-time matching does not support';

function fast<T>(run: () => T, what: string): T {
  const started = performance.now();
  const out = run();
  const took = performance.now() - started;
  assert.ok(took < 500, `${what} took ${took.toFixed(0)} ms`);
  return out;
}

const withPlugin = (entry: string) => MINIMAL.replace('  - use: ./plugins/limit\n', `${entry}\n  - use: ./plugins/limit\n`);

describe('config regexes run in linear time', function () {
  it('content-filter: (a+)+$ scans adversarial text at once; a backreference is refused, located', async function () {
    const set = compileRules([{ name: 'redos', regex: { pattern: '(a+)+$', flags: '' }, action: 'block', direction: 'request' }]).chat.request.any!;
    assert.equal(
      fast(() => scanText(set, ADVERSARIAL, 262_144, new Tally()), 'the scan'),
      ADVERSARIAL,
    );
    assert.equal(
      fast(() => scanText(set, 'a'.repeat(100_000), 262_144, new Tally()), 'a 100 KB scan'),
      set.block[0],
    );
    const lines = await linesOf(withPlugin('  - use: content-filter\n    config: { rules: [ { name: r, regex: { pattern: "(a)\\\\1" }, action: block } ] }'));
    assert.deepEqual(lines, [`gateway.yaml:10:44 pipeline[0].config.rules[0].regex.pattern: ${BACKREF}`]);
  });

  it('router: a rules[].regex runs in linear time; lookaround is refused at load, located', async function () {
    const router = compileRouter({ rules: [{ model: 'big', regex: '(a+)+$' }] });
    assert.equal(
      fast(() => router.rules[0]!.regex!.test(ADVERSARIAL), 'the rule'),
      false,
    );
    const lines = await linesOf(withPlugin('  - use: router\n    config: { rules: [ { model: m, regex: "secret(?=s)" } ] }'));
    assert.deepEqual(lines, ['gateway.yaml:10:36 pipeline[0].config.rules[0].regex: uses a lookahead ((?=…), which linear-time matching does not support']);
  });

  it('transform: a models glob is matched in linear time against the model name a client sends', function () {
    const matches = modelMatcher(['gpt-4o', '*a*a*a*b']);
    // A backtracking engine spends minutes on this name with this glob.
    assert.equal(
      fast(() => matches('a'.repeat(1000)), 'the glob'),
      false,
    );
    assert.equal(matches('xaxaxab'), true);
    assert.equal(matches('gpt-4o'), true);
  });

  it('route path_rewrite: rewrites with the safe engine, so a URL cannot stall the gateway; a backreference is refused, located', async function () {
    const lines = await linesOf(`${MINIMAL}routes:\n  - path: /app\n    proxy: { target: "http://127.0.0.1:1", path_rewrite: { "^/app/(x)\\\\1": / } }\n`);
    assert.deepEqual(lines, [`gateway.yaml:13:60 routes[0].proxy.path_rewrite["^/app/(x)\\\\1"]: ${BACKREF}`]);

    const seen: string[] = [];
    const app = http.createServer((req, res) => {
      seen.push(req.url!);
      res.end('ok');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
routes:
  - path: /app
    proxy: { target: "${target}", path_rewrite: { "(a+)+$": "/tail", "^/app/(v\\\\d+)/": "/api/$1/" } }
`);
    try {
      const started = performance.now();
      const r = await fetch(`${gw.url}/app/${ADVERSARIAL}`);
      assert.equal(r.status, 200);
      assert.ok(performance.now() - started < 1000, `the proxied request took ${(performance.now() - started).toFixed(0)} ms`);
      assert.equal((await fetch(`${gw.url}/app/v2/users?id=1`)).status, 200);
      assert.equal((await fetch(`${gw.url}/app/aaa`)).status, 200);
      assert.deepEqual(seen, [`/app/${ADVERSARIAL}`, '/api/v2/users?id=1', '/app/tail']);
    } finally {
      await gw.stop();
      await new Promise<void>((r) => app.close(() => r()));
    }
  });
});
