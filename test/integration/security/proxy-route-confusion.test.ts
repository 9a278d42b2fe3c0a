/**
 * Route confusion (#9.6, #9.10): a request is matched to a route in the form its backend
 * reads it. `/apps/%61dmin/x` and `/apps//admin/x` are `/apps/admin/x` to most backends;
 * matched raw, they would take the `/apps` route's pipeline (no auth here) past the
 * `/apps/admin` route's (auth) to the same app.
 */
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { rawRequest, startRecordingApp, type RecordingApp } from '../../helpers/recording-app.ts';

describe('proxy routes are matched on the canonical path', function () {
  this.timeout(60_000);
  let app: RecordingApp;
  let gw: TestGateway;
  before(async () => {
    app = await startRecordingApp();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
keys: [ { name: admin-app, key: "sk-admin-app-000000000000000000000000" } ]
pipeline: [ { use: provider } ]
routes:
  - path: /apps
    proxy: { target: ${app.url} }
  - path: /apps/admin
    pipeline: [ { use: auth } ]
    proxy: { target: ${app.url} }
`);
  });
  after(async () => {
    await gw?.stop();
    await app?.close();
  });

  for (const target of ['/apps/admin/users', '/apps/%61dmin/users', '/apps/%61%64%6D%69%6E/users', '/apps//admin/users', '/apps///%61dmin//users']) {
    it(`${target} goes through /apps/admin's auth (401 without a key)`, async () => {
      const before = app.received.length;
      const res = await rawRequest(gw.url, target);
      assert.equal(res.status, 401, res.body);
      assert.equal(app.received.length, before, 'the app saw nothing');
    });
  }

  it('with a key, the app receives the canonical path', async () => {
    const res = await rawRequest(gw.url, '/apps//%61dmin/users?q=%61', { authorization: 'Bearer sk-admin-app-000000000000000000000000' });
    assert.equal(res.status, 200, res.body);
    assert.equal(app.received.at(-1)!.url, '/apps/admin/users?q=%61');
  });

  it('an encoded slash is not a separator: /apps/admin%2Fusers stays on /apps', async () => {
    const res = await rawRequest(gw.url, '/apps/admin%2Fusers');
    assert.equal(res.status, 200, res.body);
    assert.equal(app.received.at(-1)!.url, '/apps/admin%2Fusers');
  });
});
