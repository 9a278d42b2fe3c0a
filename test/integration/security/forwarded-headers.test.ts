/**
 * X-Forwarded-* and the client's address (#9.1): by default nothing a client sends is
 * believed — a proxied app gets X-Forwarded-For/-Proto/-Host/-Port set by the gateway
 * alone (and no client-sent Forwarded or X-Real-IP), and rate limits by IP and the admin
 * API's loopback rule use the socket's peer. With `server.trust_proxy` the chain from
 * trusted hops is kept (from the first untrusted address on) and appended to, and that
 * first untrusted address is the client everywhere. The tests connect from 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { postJson, startTestGateway, startupError, type TestGateway } from '../../helpers/gateway.ts';
import { rawRequest, startRecordingApp, upgradeStatus, type RecordingApp } from '../../helpers/recording-app.ts';

const SPOOF = {
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-port': '1',
  forwarded: 'for=6.6.6.6;proto=https',
  'x-real-ip': '6.6.6.6',
};

const config = (appUrl: string, server = '') => `version: 1
${server}
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - { use: rate-limit, config: { limits: [ { per: ip, rpm: 2 } ], headers: false } }
  - { use: provider }
routes:
  - path: /apps/x
    proxy: { target: ${appUrl}, ws: true }
  - path: /apps/limited
    proxy: { target: ${appUrl} }
    pipeline: [ { use: rate-limit, config: { limits: [ { per: ip, rpm: 1 } ], headers: false } } ]
`;

const chat = (gw: TestGateway, headers: Record<string, string>) =>
  postJson(`${gw.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, headers);

describe('X-Forwarded-* and the client address (#9.1)', () => {
  let app: RecordingApp;
  before(async () => {
    app = await startRecordingApp();
  });
  after(async () => {
    await app?.close();
  });
  const last = () => app.received.at(-1)!;

  describe('default: no proxy trusted', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(config(app.url));
    });
    after(async () => {
      await gw?.stop();
    });

    it('a client cannot spoof X-Forwarded-*, Forwarded or X-Real-IP: the app gets what the gateway saw', async () => {
      const r = await rawRequest(gw.url, '/apps/x/a', SPOOF);
      assert.equal(r.status, 200);
      const h = last().headers;
      const port = new URL(gw.url).port;
      assert.equal(h['x-forwarded-for'], '127.0.0.1');
      assert.equal(h['x-forwarded-proto'], 'http');
      assert.equal(h['x-forwarded-host'], `127.0.0.1:${port}`);
      assert.equal(h['x-forwarded-port'], port);
      assert.equal(h.forwarded, undefined);
      assert.equal(h['x-real-ip'], undefined);
      assert.equal(h.host, new URL(app.url).host, 'Host is the app’s (changeOrigin)');
    });

    it('the same for WebSocket upgrades', async () => {
      assert.equal(await upgradeStatus(gw.url, '/apps/x/ws', SPOOF), 101);
      assert.equal(last().upgrade, true);
      assert.equal(last().headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(last().headers['x-forwarded-proto'], 'http');
      assert.equal(last().headers['x-forwarded-host'], `127.0.0.1:${new URL(gw.url).port}`);
      assert.equal(last().headers['x-real-ip'], undefined);
    });

    it('rate limits by IP ignore X-Forwarded-For (LLM endpoint and proxy route)', async () => {
      assert.equal((await chat(gw, { 'x-forwarded-for': '1.1.1.1' })).status, 200);
      assert.equal((await chat(gw, { 'x-forwarded-for': '2.2.2.2' })).status, 200);
      assert.equal((await chat(gw, { 'x-forwarded-for': '3.3.3.3' })).status, 429, 'a new X-Forwarded-For is not a new client');
      assert.equal((await rawRequest(gw.url, '/apps/limited/a', { 'x-forwarded-for': '1.1.1.1' })).status, 200);
      assert.equal((await rawRequest(gw.url, '/apps/limited/a', { 'x-forwarded-for': '2.2.2.2' })).status, 429);
    });

    it('the admin API loopback rule is not fooled either way', async () => {
      const r = await fetch(`${gw.url}/admin/keys`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      assert.notEqual(r.status, 401, 'an untrusted X-Forwarded-For changes nothing: the peer is loopback');
    });
  });

  describe('server.trust_proxy', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(config(app.url, 'server: { trust_proxy: [loopback, 10.0.0.0/8] }'));
    });
    after(async () => {
      await gw?.stop();
    });

    it('keeps the chain from the first untrusted hop on, appends the peer, and drops what the client wrote left of it', async () => {
      const r = await rawRequest(gw.url, '/apps/x/a', {
        'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.2',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'public.example',
        'x-forwarded-port': '443',
        'x-real-ip': '203.0.113.7',
      });
      assert.equal(r.status, 200);
      const h = last().headers;
      assert.equal(h['x-forwarded-for'], '203.0.113.7, 10.0.0.2, 127.0.0.1');
      assert.equal(h['x-forwarded-proto'], 'https');
      assert.equal(h['x-forwarded-host'], 'public.example');
      assert.equal(h['x-forwarded-port'], '443');
      assert.equal(h['x-real-ip'], '203.0.113.7', "a trusted proxy's headers pass");
    });

    it('with no X-Forwarded-* from the trusted peer, the gateway’s own values', async () => {
      await rawRequest(gw.url, '/apps/x/b');
      assert.equal(last().headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(last().headers['x-forwarded-proto'], 'http');
    });

    it('rate limits by IP count the forwarded client, not the balancer', async () => {
      assert.equal((await chat(gw, { 'x-forwarded-for': '198.51.100.1' })).status, 200);
      assert.equal((await chat(gw, { 'x-forwarded-for': '198.51.100.1' })).status, 200);
      assert.equal((await chat(gw, { 'x-forwarded-for': '198.51.100.1' })).status, 429);
      assert.equal((await chat(gw, { 'x-forwarded-for': '198.51.100.2' })).status, 200, 'another client has its own bucket');
      // A spoofed entry left of the real client does not make a new client.
      assert.equal((await chat(gw, { 'x-forwarded-for': '9.9.9.9, 198.51.100.1' })).status, 429);
    });

    it('the admin API loopback rule sees the forwarded client', async () => {
      const remote = await fetch(`${gw.url}/admin/keys`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      assert.equal(remote.status, 401, 'a remote client behind a local balancer is not loopback');
      const local = await fetch(`${gw.url}/admin/keys`);
      assert.notEqual(local.status, 401);
    });
  });

  it('a trust_proxy entry that is not an address, a CIDR or a known name is refused at load', async () => {
    const message = await startupError(config(app.url, 'server: { trust_proxy: [10.0.0.0/33, lo0pback] }'));
    assert.match(message, /trust_proxy\[0\].*prefix length/s);
    assert.match(message, /trust_proxy\[1\].*not an IP address/s);
  });
});
