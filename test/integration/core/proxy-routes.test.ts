import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { events } from '../../fixtures/plugins/recorder/index.ts';

const recorder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/plugins/recorder');

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  remotePort?: number;
}

/** An ordinary (non-LLM) app: echoes what it got; upgrades /ws and echoes raw bytes. */
async function startApp(): Promise<{ url: string; seen: Seen[]; sockets: Set<number>; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<number>();
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    seen.push({ url: req.url!, headers: req.headers, body });
    sockets.add(req.socket.remotePort!);
    if (req.url!.endsWith('/slow')) await new Promise((r) => setTimeout(r, 1000));
    res.writeHead(req.url!.endsWith('/missing') ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, method: req.method }));
  });
  const upgraded = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket) => {
    upgraded.add(socket);
    seen.push({ url: req.url!, headers: req.headers, body: '' });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    socket.on('data', (d) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    sockets,
    close: () =>
      new Promise((r) => {
        for (const u of upgraded) u.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('reverse-proxy routes', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let gw: TestGateway;
  before(async () => {
    app = await startApp();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
plugins: { roots: [${recorder}] }
pipeline: [ { use: provider } ]
routes:
  - path: /apps/crm
    proxy:
      target: ${app.url}
      path_rewrite: { "^/apps/crm": "/api" }
      headers: { set: { x-gateway-route: crm }, remove: [x-drop-me] }
      ws: true
      timeout_ms: 300
    pipeline:
      - use: ${recorder}
        config: { tag: crm }
  - path: /apps/down
    proxy: { target: "http://127.0.0.1:9" }
`);
  });
  after(async () => {
    await gw.stop();
    await app.close();
  });

  it('proxies a path prefix with rewrite and header changes, body untouched', async () => {
    events.length = 0;
    const r = await fetch(`${gw.url}/apps/crm/customers?id=7`, {
      method: 'POST',
      headers: { 'x-drop-me': '1', 'content-type': 'text/plain' },
      body: 'raw body, not JSON',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { path: '/api/customers?id=7', method: 'POST' });
    const got = app.seen.at(-1)!;
    assert.equal(got.body, 'raw body, not JSON');
    assert.equal(got.headers['x-gateway-route'], 'crm');
    assert.equal(got.headers['x-drop-me'], undefined);
    assert.equal(r.headers.get('x-crm'), 'seen', "the route's own pipeline ran");
    await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(events, ['crm:onRequest', 'crm:onResponse', 'crm:onDone']);
  });

  it('does not match a path that merely shares the prefix', async () => {
    const r = await fetch(`${gw.url}/apps/crmx`);
    assert.equal(r.status, 404);
  });

  it('passes upstream statuses through', async () => {
    const r = await fetch(`${gw.url}/apps/crm/missing`);
    assert.equal(r.status, 404);
  });

  it('reuses upstream connections (keep-alive agent)', async () => {
    app.sockets.clear();
    for (let i = 0; i < 10; i++) await (await fetch(`${gw.url}/apps/crm/ping`)).text();
    assert.ok(app.sockets.size <= 2, `opened ${app.sockets.size} sockets for 10 sequential requests`);
  });

  it('an unreachable upstream app → 503 JSON; a slow one → 504', async () => {
    const down = await fetch(`${gw.url}/apps/down/x`);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as any).error.code, 'upstream_unavailable');
    const slow = await fetch(`${gw.url}/apps/crm/slow`);
    assert.equal(slow.status, 504);
  });

  it('WebSocket upgrade is proxied', async () => {
    const port = Number(new URL(gw.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/apps/crm/ws', headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.on('upgrade', (_res, socket) => {
        socket.once('data', (d) => {
          resolve(String(d));
          socket.destroy();
        });
        socket.write('ping');
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(reply, 'echo:ping');
    assert.equal(app.seen.at(-1)!.url, '/api/ws');
  });
});
