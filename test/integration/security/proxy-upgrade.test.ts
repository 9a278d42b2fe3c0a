/**
 * The upgrade (WebSocket) path cannot end the process or hold a generation (#9.1 audit):
 * a client that resets its socket while the route's pipeline runs (the server dropped
 * its error listener when it emitted 'upgrade'), an app that is down or silent (the
 * client gets a 503/504 status line and the pipeline's onError runs), an app that refuses
 * the upgrade, and an Upgrade that is not a WebSocket one (http-proxy closes it without
 * a word). After each the gateway serves and no request is left holding the generation.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startRecordingApp, upgradeStatus, type RecordingApp } from '../../helpers/recording-app.ts';
import { events } from '../../fixtures/plugins/recorder/index.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/plugins');
const KEY = 'sk-upgrade-0123456789abcdef';

/** An app that accepts connections and never answers; or answers an upgrade with 403. */
async function startOddApp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('no');
  });
  server.on('connection', (s) => sockets.add(s));
  // /silent: never answers the upgrade; anything else: an ordinary 403 response.
  server.on('upgrade', (req, socket) => {
    if (req.url!.includes('silent')) return;
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The first line the gateway wrote on a raw upgrade, or '' when it closed without one. */
function rawUpgrade(gw: TestGateway, target: string, headers = 'connection: Upgrade\r\nupgrade: websocket\r\n'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(gw.port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nhost: x\r\n${headers}\r\n`));
    let got = '';
    s.on('data', (d) => (got += String(d)));
    s.on('close', () => resolve(got.split('\r\n')[0]!));
    s.on('error', reject);
  });
}

const settle = async (gw: TestGateway) => {
  for (let i = 0; i < 100 && (gw.runtime.current?.inflight ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return gw.runtime.current?.inflight ?? 0;
};

describe('proxy route upgrades: nothing thrown, nothing held (#9.1)', function () {
  this.timeout(30_000);
  let app: RecordingApp;
  let odd: Awaited<ReturnType<typeof startOddApp>>;
  let gw: TestGateway;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  before(async () => {
    app = await startRecordingApp();
    odd = await startOddApp();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
plugins: { roots: [${fixtures}] }
keys: [ { name: k, key: "${KEY}" } ]
routes:
  - path: /apps/slow
    proxy: { target: ${app.url}, ws: true }
    pipeline: [ { use: ${fixtures}/slow-request, config: { ms: 300 } }, { use: auth } ]
  - path: /apps/down
    proxy: { target: "http://127.0.0.1:9", ws: true }
    pipeline: [ { use: ${fixtures}/recorder, config: { tag: down } } ]
  - path: /apps/odd
    proxy: { target: ${odd.url}, ws: true, timeout_ms: 300 }
`);
    process.on('uncaughtException', onUncaught);
  });
  after(async () => {
    process.off('uncaughtException', onUncaught);
    await gw?.stop();
    await app?.close();
    await odd?.close();
  });
  afterEach(async () => {
    assert.deepEqual(uncaught, [], 'no uncaught exception');
    assert.equal(await settle(gw), 0, 'no request holds the generation');
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200, 'the gateway still serves');
  });

  for (const [name, key] of [
    ['refused by auth', undefined],
    ['handed over', KEY],
  ] as const) {
    it(`a client that resets its socket while the pipeline runs (then ${name})`, async () => {
      const before = app.received.length;
      const s = net.connect(gw.port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      const auth = key ? `authorization: Bearer ${key}\r\n` : '';
      s.write(`GET /apps/slow/ws HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\n${auth}\r\n`);
      await new Promise((r) => setTimeout(r, 50));
      s.resetAndDestroy();
      // The pipeline finishes after the reset: the refusal (or the hand-over) meets a dead socket.
      await new Promise((r) => setTimeout(r, 600));
      assert.ok(app.received.length - before <= 1);
      assert.equal(await upgradeStatus(gw.url, '/apps/slow/ws', { authorization: `Bearer ${KEY}` }), 101, 'upgrades still work');
    });
  }

  it('an app that is down: the client gets 503, and the pipeline its error', async () => {
    events.length = 0;
    assert.equal(await rawUpgrade(gw, '/apps/down/ws'), 'HTTP/1.1 503 upstream_unavailable');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(events, ['down:onRequest', 'down:onError:GW_ERR_UPSTREAM_UNAVAILABLE', 'down:onDone']);
  });

  it('an app that never answers the upgrade: 504 after the route timeout', async () => {
    assert.equal(await rawUpgrade(gw, '/apps/odd/silent'), 'HTTP/1.1 504 upstream_timeout');
  });

  it('an app that refuses the upgrade: its answer goes through', async () => {
    assert.equal(await upgradeStatus(gw.url, '/apps/odd/ws'), 403);
  });

  it('an Upgrade that is not a WebSocket one is closed, and releases its request', async () => {
    assert.equal(await rawUpgrade(gw, '/apps/odd/x', 'connection: Upgrade\r\nupgrade: h2c\r\n'), '');
  });
});
