/**
 * Proxy routes run through the one executor: a rejecting async hook is a plugin failure
 * (counted, logged, the process goes on), onError may answer when the app is down, the
 * header changes hold with more requests in flight than the keep-alive agent has sockets
 * (issue #9: that used to end the process), and upgrades always go through the pipeline.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { events } from '../../fixtures/plugins/recorder/index.ts';

const recorder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/plugins/recorder');

interface App {
  url: string;
  seen: http.IncomingHttpHeaders[];
  upgrades: number;
  inflight: number;
  maxInflight: number;
  close(): Promise<void>;
}

/** An app that answers after `delayMs`, recording the headers it got; it accepts upgrades. */
async function startApp(delayMs = 0): Promise<App> {
  const app: App = { url: '', seen: [], upgrades: 0, inflight: 0, maxInflight: 0, close: async () => undefined };
  const server = http.createServer(async (req, res) => {
    app.seen.push(req.headers);
    app.maxInflight = Math.max(app.maxInflight, ++app.inflight);
    for await (const _ of req);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    app.inflight--;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  });
  const sockets = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (_req, socket) => {
    app.upgrades++;
    sockets.add(socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
  });
  server.maxHeadersCount = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.close = () =>
    new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return app;
}

const metric = async (gw: TestGateway, pattern: RegExp): Promise<number> => {
  const m = pattern.exec(await (await fetch(`${gw.url}/metrics`)).text());
  return m ? Number(m[1]) : 0;
};

describe('proxy routes: one executor for every phase', () => {
  let app: App;
  let gw: TestGateway;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    app = await startApp();
    gw = await startTestGateway(
      `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
plugins: { roots: [${recorder}] }
keys: [ { name: ws, key: "sk-ws-route-0123456789abcdef" } ]
routes:
  - path: /apps/rejects
    proxy: { target: ${app.url} }
    pipeline:
      - { use: metrics }
      - { use: ${recorder}, id: rejecter, config: { tag: rejecter, rejectIn: onResponse } }
  - path: /apps/down
    proxy: { target: "http://127.0.0.1:9" }
    pipeline:
      - { use: ${recorder}, id: fallback, config: { tag: fallback, answerOnError: true } }
  - path: /apps/ws
    proxy: { target: ${app.url}, ws: true }
    pipeline: [ { use: auth } ]
`,
      { captureLogs: true },
    );
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await gw?.stop();
    await app.close();
  });

  it('an async onResponse that rejects is a plugin failure: counted, logged, the process goes on', async () => {
    events.length = 0;
    const r = await fetch(`${gw.url}/apps/rejects/x`);
    assert.equal(r.status, 200, "the app's answer went out before onResponse ran");
    assert.deepEqual(await r.json(), { ok: true });
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(unhandled, [], 'no unhandled rejection (on Node 20 one ends the process)');
    assert.equal(await metric(gw, /gateway_plugin_errors_total\{plugin="rejecter",phase="onResponse"\} (\d+)/), 1);
    const line = gw.logs.find((l) => l.includes('async failure in rejecter'));
    assert.ok(line, 'the failure is logged with its cause');
    assert.match(line, /"plugin":"rejecter"/);
    assert.match(line, /"phase":"onResponse"/);
    assert.deepEqual(events, ['rejecter:onRequest', 'rejecter:onResponse', 'rejecter:onError:GW_ERR_INTERNAL', 'rejecter:onDone']);
    // The route still serves.
    assert.equal((await fetch(`${gw.url}/apps/rejects/y`)).status, 200);
  });

  it('onError runs on proxy routes and may answer when the app is unreachable', async () => {
    events.length = 0;
    const r = await fetch(`${gw.url}/apps/down/x`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { fallback: true });
    await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(events, ['fallback:onRequest', 'fallback:onError:GW_ERR_UPSTREAM_UNAVAILABLE', 'fallback:onDone']);
  });

  it('an upgrade goes through the route pipeline even after HTTP requests on the route', async () => {
    const key = { authorization: 'Bearer sk-ws-route-0123456789abcdef' };
    assert.equal((await fetch(`${gw.url}/apps/ws/plain`, { headers: key })).status, 200);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const port = Number(new URL(gw.url).port);
        const req = http.request({ host: '127.0.0.1', port, path: '/apps/ws/socket', headers: { connection: 'Upgrade', upgrade: 'websocket', ...headers } });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode!);
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    const before = app.upgrades;
    assert.equal(await status({}), 401, 'no key: refused by auth');
    assert.equal(app.upgrades, before, 'the app never saw the refused upgrade');
    assert.equal(await status(key), 101);
    assert.equal(app.upgrades, before + 1);
  });
});

describe('proxy routes: header changes with more requests in flight than sockets (issue #9)', function () {
  this.timeout(30_000);
  let app: App;
  let gw: TestGateway;
  before(async () => {
    app = await startApp(1500);
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
routes:
  - path: /apps/crm
    proxy:
      target: ${app.url}
      headers: { set: { X-Gateway-Route: crm }, remove: [x-drop-me] }
`);
  });
  after(async () => {
    await gw.stop();
    await app.close();
  });

  it('400 concurrent requests all get through with their headers changed, and the process stays up', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    const { port } = new URL(gw.url);
    const get = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/apps/crm/item/${i}`, agent, headers: { 'x-drop-me': 'secret', 'x-n': String(i) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
      });
    const statuses = await Promise.all(Array.from({ length: 400 }, (_, i) => get(i)));
    agent.destroy();
    assert.deepEqual(new Set(statuses), new Set([200]));
    // The route's agent holds 256 sockets: the app saw that many at once, and the rest queued.
    assert.equal(app.maxInflight, 256, `the app saw at most ${app.maxInflight} at once: the agent queue was not exercised`);
    const ours = app.seen.filter((h) => h['x-n'] !== undefined);
    assert.equal(ours.length, 400);
    for (const h of ours) {
      assert.equal(h['x-gateway-route'], 'crm');
      assert.equal(h['x-drop-me'], undefined);
    }
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
  });
});

describe('LLM endpoints: async hooks where the phase is synchronous', () => {
  let gw: TestGateway;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    gw = await startTestGateway(
      `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
plugins: { roots: [${recorder}] }
pipeline:
  - { use: metrics }
  - { use: ${recorder}, id: async-chunks, config: { tag: async-chunks, rejectIn: onStreamChunk } }
  - { use: provider }
`,
      { captureLogs: true },
    );
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await gw?.stop();
  });

  it('an onStreamChunk that returns a promise is a plugin failure: the stream ends with an error event', async () => {
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi there' }] }),
    });
    const text = await r.text();
    assert.match(text, /"code":"internal_error"/);
    assert.ok(!text.includes('[DONE]'), 'never a clean-looking end');
    assert.ok(!text.includes('async failure'), 'no internals reach the client');
    await new Promise((res) => setTimeout(res, 30));
    assert.deepEqual(unhandled, []);
    assert.equal(await metric(gw, /gateway_plugin_errors_total\{plugin="async-chunks",phase="onStreamChunk"\} (\d+)/), 1);
  });
});
