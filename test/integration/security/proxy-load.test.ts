/**
 * Issue #9.1's done-when: 1,000 concurrent requests to a proxy route that sets and
 * removes headers (with an async onResponse hook that rejects on every one of them)
 * leave the process serving; the LLM endpoint (mock provider) answers during and after;
 * every proxied request is answered 2xx or refused with a clean JSON error, never a
 * dropped socket; and the app got every header change. The app holds each request a
 * while, so the route's 256-socket agent queues most of them (where setting a header in
 * a proxyReq callback used to throw ERR_HTTP_HEADERS_SENT and end the process).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postJson, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

const recorder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/plugins/recorder');
const N = 1000;

async function startSlowApp(delayMs: number): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('1,000 concurrent requests on a header-rewriting proxy route (#9.1 done-when)', function () {
  this.timeout(120_000);
  let app: Awaited<ReturnType<typeof startSlowApp>>;
  let gw: TestGateway;
  const failures: unknown[] = [];
  const onFailure = (e: unknown) => failures.push(e);
  before(async () => {
    process.on('uncaughtException', onFailure);
    process.on('unhandledRejection', onFailure);
    app = await startSlowApp(300);
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline: [ { use: provider } ]
plugins: { roots: [${recorder}] }
routes:
  - path: /apps/crm
    proxy:
      target: ${app.url}
      headers: { set: { X-Gateway-Route: crm }, remove: [x-drop-me] }
    pipeline:
      - { use: ${recorder}, id: rejecter, config: { tag: load, rejectIn: onResponse } }
`);
  });
  after(async () => {
    process.off('uncaughtException', onFailure);
    process.off('unhandledRejection', onFailure);
    await gw?.stop();
    await app?.close();
  });

  const chat = async () => (await postJson(`${gw.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'still there?' }] })).status;

  it('every request is answered or cleanly refused, the LLM endpoint answers during and after, the process stays up', async () => {
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const { port } = new URL(gw.url);
    const outcomes: Array<{ status: number; body: string }> = [];
    const dropped: string[] = [];
    const get = (i: number) =>
      new Promise<void>((resolve) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: `/apps/crm/item/${i}`,
            agent,
            headers: { 'x-drop-me': 'secret', 'x-n': String(i), authorization: 'Bearer sk-not-for-the-app' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => {
              outcomes.push({ status: res.statusCode!, body });
              resolve();
            });
            res.on('error', (e) => {
              dropped.push(String(e));
              resolve();
            });
          },
        );
        req.on('error', (e) => {
          dropped.push(String(e));
          resolve();
        });
      });
    const all = Promise.all(Array.from({ length: N }, (_, i) => get(i)));
    // While they are in flight (the agent's queue fills), the LLM endpoint answers.
    await new Promise((r) => setTimeout(r, 200));
    const during = await Promise.all([chat(), chat(), chat()]);
    await all;
    agent.destroy();

    assert.deepEqual(during, [200, 200, 200], 'the LLM endpoint answered during the load');
    assert.deepEqual(dropped, [], 'no request was dropped without an answer');
    assert.equal(outcomes.length, N);
    for (const o of outcomes) {
      if (o.status >= 200 && o.status < 300) continue;
      // A refusal is a gateway error body, not a broken response.
      assert.ok(o.status >= 400, `status ${o.status}`);
      assert.equal(typeof (JSON.parse(o.body) as { error?: { code?: string } }).error?.code, 'string', o.body);
    }
    const ok = outcomes.filter((o) => o.status === 200).length;
    assert.equal(ok, N, `${N - ok} of ${N} were refused (with a clean error) rather than answered`);

    const ours = app.seen.filter((h) => h['x-n'] !== undefined);
    assert.equal(ours.length, N);
    for (const h of ours) {
      assert.equal(h['x-gateway-route'], 'crm');
      assert.equal(h['x-drop-me'], undefined);
      assert.equal(h.authorization, undefined);
      assert.equal(h['x-forwarded-for'], '127.0.0.1');
    }

    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(failures, [], 'no uncaught exception or unhandled rejection (each ends the process)');
    assert.equal(await chat(), 200, 'the LLM endpoint answers after the load');
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
  });
});
