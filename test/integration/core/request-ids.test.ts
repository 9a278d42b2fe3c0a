/**
 * Every response carries `x-request-id` — the LLM endpoints, health, readiness, metrics,
 * the admin API, 404s, 405s, CORS preflights and proxy routes — and a proxied app is
 * handed the same id. Anthropic-dialect responses also carry it as `request-id`.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, mockConfig, type TestGateway } from '../../helpers/gateway.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('x-request-id on every response', () => {
  let gw: TestGateway;
  let app: http.Server;
  let appSaw: string | undefined;
  before(async () => {
    app = http.createServer((req, res) => {
      appSaw = req.headers['x-request-id'] as string | undefined;
      res.end('ok');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    gw = await startTestGateway(
      mockConfig(`server: { cors: { origins: ['https://app.example'] } }
routes:
  - { path: /apps/echo, proxy: { target: "${appUrl}" }, pipeline: [] }
`),
    );
  });
  after(async () => {
    await gw.stop();
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
  });

  const cases: Array<[string, string, RequestInit?]> = [
    ['health', '/healthz'],
    ['readiness', '/readyz'],
    ['metrics', '/metrics'],
    ['the admin API', '/admin/config/status'],
    ['an unknown path (404)', '/nope'],
    ['a wrong method (405)', '/v1/chat/completions'],
    ['the models list', '/v1/models'],
    ['a proxy route', '/apps/echo/x'],
    ['a CORS preflight', '/v1/chat/completions', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } }],
  ];
  for (const [what, url, init] of cases) {
    it(`${what}: a fresh id, or the client's own sane one`, async () => {
      const made = await fetch(gw.url + url, init);
      assert.match(made.headers.get('x-request-id') ?? '', UUID, `${made.status} ${url}`);
      const given = await fetch(gw.url + url, { ...init, headers: { ...init?.headers, 'x-request-id': 'client.id:42' } });
      assert.equal(given.headers.get('x-request-id'), 'client.id:42');
      const insane = await fetch(gw.url + url, { ...init, headers: { ...init?.headers, 'x-request-id': 'no spaces allowed' } });
      assert.match(insane.headers.get('x-request-id') ?? '', UUID);
      assert.equal(made.headers.get('request-id'), null, 'request-id is for Anthropic clients');
    });
  }

  it('a proxied app is handed the id the client gets back', async () => {
    const r = await fetch(`${gw.url}/apps/echo/y`);
    assert.equal(appSaw, r.headers.get('x-request-id'));
    assert.match(appSaw ?? '', UUID);
  });

  it('Anthropic-dialect responses carry it as request-id too', async () => {
    for (const [url, headers] of [
      ['/v1/messages', {}],
      ['/v1/messages/nope', {}],
      ['/v1/models', { 'anthropic-version': '2023-06-01' }],
      ['/nope', { 'anthropic-version': '2023-06-01' }],
    ] as const) {
      const r = await fetch(gw.url + url, { headers });
      assert.match(r.headers.get('request-id') ?? '', UUID, url);
      assert.equal(r.headers.get('request-id'), r.headers.get('x-request-id'));
    }
  });
});
