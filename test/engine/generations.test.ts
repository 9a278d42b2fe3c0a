import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { events } from '../fixtures/plugins/recorder/index.ts';

const pluginDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/plugins/recorder');

const config = (tag: string, throwIn = '') => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock, options: { chunk_delay_ms: 40 } } }
models: [ { name: m, provider: local, model: m } ]
plugins: { roots: [${pluginDir}] }
pipeline:
  - use: ${pluginDir}
    config: { tag: ${tag}${throwIn ? `, throwIn: ${throwIn}` : ''} }
  - use: provider
`;

describe('config generations', () => {
  let gw: TestGateway;
  beforeEach(() => {
    events.length = 0;
  });
  afterEach(async () => {
    await gw?.stop();
  });

  it('a third-party plugin loads by path and runs its phases', async () => {
    gw = await startTestGateway(config('one'));
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-one'), 'seen');
    await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(events, ['one:create:gen1', 'one:onRequest', 'one:onResponse', 'one:onDone']);
  });

  it('a request in flight finishes on its generation; the old one closes only after it drains', async () => {
    gw = await startTestGateway(config('old'));
    const streaming = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'a b c d e f g h i j' }] }),
    }).then((r) => r.text());
    await new Promise((res) => setTimeout(res, 100));
    await gw.writeConfig(config('new'));
    const outcome = await gw.runtime.reload();
    assert.equal(outcome.ok, true);
    assert.equal(outcome.generation, 2);
    assert.ok(!events.includes('old:close:gen1'), 'closed while a request was still on it');
    const text = await streaming;
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(events.includes('old:close:gen1'), `old generation not closed: ${events}`);
    assert.ok(events.indexOf('old:onDone') < events.indexOf('old:close:gen1'));
  });

  it('an invalid plugin config keeps the running generation', async () => {
    gw = await startTestGateway(config('good'));
    await gw.writeConfig(config('bad').replace('tag: bad', 'tag: 5'));
    const outcome = await gw.runtime.reload();
    assert.equal(outcome.ok, false);
    assert.match(outcome.error!, /pipeline\[0\]\.config\.tag: must be string/);
    assert.equal(gw.runtime.status().generation, 1);
    assert.equal(gw.runtime.status().status, 'failed');
  });

  it('a plugin whose create() throws keeps the running generation, and reports why', async () => {
    gw = await startTestGateway(config('good'));
    await gw.writeConfig(config('bad', 'create'));
    const outcome = await gw.runtime.reload();
    assert.equal(outcome.ok, false);
    assert.match(outcome.error!, /generation 2 could not start: cannot start/);
    assert.equal(gw.runtime.status().generation, 1);
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.headers.get('x-good'), 'seen');
    const m = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(m, /gateway_config_reloads_total\{outcome="failure"\} 1/);
  });

  it('a plugin that throws at request time: generic 500, process keeps serving', async () => {
    gw = await startTestGateway(config('boom', 'onRequest'));
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.status, 500);
    const body = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.ok(!body.error.message.includes('secret internals'));
    const m = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(m, /gateway_plugin_errors_total\{plugin="[^"]*recorder",phase="onRequest"\} 1/);
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
  });
});
