/**
 * The gateway's own credentials stay at the gateway (#9.1): the Authorization and
 * x-api-key headers a client authenticated with are removed before a proxy route
 * forwards, for requests and WebSocket upgrades, unless the route says
 * `proxy.forward_auth: true`. The app is a real server recording what it got.
 */
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { rawRequest, startRecordingApp, upgradeStatus, type RecordingApp } from '../../helpers/recording-app.ts';

const KEY = 'sk-proxy-cred-0123456789abcdef';

describe('proxy routes drop the gateway key before forwarding (#9.1)', () => {
  let app: RecordingApp;
  let gw: TestGateway;
  before(async () => {
    app = await startRecordingApp();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
keys: [ { name: k, key: "${KEY}" } ]
routes:
  - path: /apps/authed
    proxy: { target: ${app.url}, ws: true }
    pipeline: [ { use: auth } ]
  - path: /apps/open
    proxy: { target: ${app.url} }
  - path: /apps/own-token
    proxy: { target: ${app.url}, headers: { set: { authorization: "Bearer app-service-token" } } }
    pipeline: [ { use: auth } ]
  - path: /apps/passthrough
    proxy: { target: ${app.url}, forward_auth: true, ws: true, headers: { remove: [cookie] } }
`);
  });
  after(async () => {
    await gw?.stop();
    await app?.close();
  });

  const last = () => app.received.at(-1)!;

  it('a route with auth: the app gets neither Authorization nor x-api-key', async () => {
    const bearer = await rawRequest(gw.url, '/apps/authed/a', { authorization: `Bearer ${KEY}`, 'x-other': 'kept' });
    assert.equal(bearer.status, 200);
    assert.equal(last().headers.authorization, undefined);
    assert.equal(last().headers['x-other'], 'kept', 'other headers pass');
    const xkey = await rawRequest(gw.url, '/apps/authed/b', { 'x-api-key': KEY });
    assert.equal(xkey.status, 200);
    assert.equal(last().url, '/apps/authed/b');
    assert.equal(last().headers['x-api-key'], undefined);
    // Both at once, and the header's name in another case.
    const both = await rawRequest(gw.url, '/apps/authed/c', { Authorization: `Bearer ${KEY}`, 'X-Api-Key': KEY });
    assert.equal(both.status, 200);
    assert.equal(last().headers.authorization, undefined);
    assert.equal(last().headers['x-api-key'], undefined);
    for (const r of app.received) assert.ok(!JSON.stringify(r.headers).includes(KEY), 'the key reached the app');
  });

  it('a route without auth drops them too (the key may be a gateway key all the same)', async () => {
    const r = await rawRequest(gw.url, '/apps/open/x', { authorization: `Bearer ${KEY}`, 'x-api-key': KEY });
    assert.equal(r.status, 200);
    assert.equal(last().headers.authorization, undefined);
    assert.equal(last().headers['x-api-key'], undefined);
  });

  it('headers.set gives the app its own credential instead of the client key', async () => {
    const r = await rawRequest(gw.url, '/apps/own-token/x', { authorization: `Bearer ${KEY}` });
    assert.equal(r.status, 200);
    assert.equal(last().headers.authorization, 'Bearer app-service-token');
  });

  it('forward_auth: true passes them on (and headers.remove still applies)', async () => {
    const r = await rawRequest(gw.url, '/apps/passthrough/x', { authorization: 'Bearer app-own', 'x-api-key': 'app-key', cookie: 'c=1' });
    assert.equal(r.status, 200);
    assert.equal(last().headers.authorization, 'Bearer app-own');
    assert.equal(last().headers['x-api-key'], 'app-key');
    assert.equal(last().headers.cookie, undefined);
  });

  it('WebSocket upgrades: dropped by default, passed with forward_auth', async () => {
    assert.equal(await upgradeStatus(gw.url, '/apps/authed/ws', { authorization: `Bearer ${KEY}`, 'x-api-key': KEY }), 101);
    assert.equal(last().upgrade, true);
    assert.equal(last().headers.authorization, undefined);
    assert.equal(last().headers['x-api-key'], undefined);
    assert.equal(await upgradeStatus(gw.url, '/apps/passthrough/ws', { authorization: 'Bearer app-own' }), 101);
    assert.equal(last().upgrade, true);
    assert.equal(last().headers.authorization, 'Bearer app-own');
  });
});
