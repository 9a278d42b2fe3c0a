/**
 * Safe by default (issue #11.7): the shipped config binds loopback, and without an admin
 * key the admin API is off on a gateway bound to any other address — even for a client
 * that looks local (a load balancer or sidecar on the same host is "loopback" too).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { isLoopback } from '../../src/engine/admin/auth.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = 'sk-safe-defaults-0123456789';

// Every interface needs `auth` in front of the LLM endpoints.
const config = (admin = '') => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: mock-gpt, provider: local, model: mock-gpt } ]
pipeline: [ { use: auth }, { use: provider } ]
keys: [ { name: t, key: ${KEY} } ]
${admin}`;

describe('safe defaults', function () {
  this.timeout(20_000);
  const gateways: TestGateway[] = [];
  const start = async (host: string, admin = '') => {
    const gw = await startTestGateway(config(admin), { host });
    gateways.push(gw);
    return gw;
  };
  afterEach(async () => {
    for (const gw of gateways.splice(0)) await gw.stop();
  });

  it('the shipped gateway.yaml binds 127.0.0.1', () => {
    const shipped = yaml.load(readFileSync(path.join(ROOT, 'gateway.yaml'), 'utf8')) as { server: { host: string } };
    assert.equal(shipped.server.host, '127.0.0.1');
  });

  it('loopback is 127.0.0.0/8 and ::1, IPv4-mapped included; nothing else', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '1127.0.0.1', undefined]) assert.equal(isLoopback(a), false, String(a));
  });

  it('without admin.key, a gateway bound to loopback serves the admin API to its loopback clients', async () => {
    const gw = await start('127.0.0.1');
    assert.equal((await fetch(`${gw.url}/admin/config/status`)).status, 200);
  });

  it('without admin.key, a gateway bound to every interface refuses the admin API, even to a local client', async () => {
    const gw = await start('0.0.0.0');
    assert.equal(gw.boundUrl, `http://0.0.0.0:${gw.port}`);
    const r = await fetch(`http://127.0.0.1:${gw.port}/admin/config/status`);
    assert.equal(r.status, 401);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /disabled: set admin\.key/);
    // The LLM endpoints still work, behind auth.
    assert.equal((await fetch(`http://127.0.0.1:${gw.port}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).status, 200);
  });

  it('with admin.key, a gateway bound to every interface serves the admin API to the key only', async () => {
    const gw = await start('0.0.0.0', 'admin: { key: admin-0123456789abcdef }\n');
    const url = `http://127.0.0.1:${gw.port}/admin/config/status`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer admin-0123456789abcdef' } })).status, 200);
  });
});
