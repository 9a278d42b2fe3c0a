/**
 * Slow and hostile clients (#9.7) and honest accounting of the ones that leave (#9.8),
 * against a real gateway over raw sockets: a client that sends half a body, slow headers
 * or nothing at all cannot hold a socket past `server.timeouts`; a request whose key can
 * be judged from its headers is refused before its body is sent; one address may be capped
 * in connections; and a client that hangs up mid-body or mid-answer is a 499 abort, never
 * a 5xx or an error in /metrics.
 *
 * Waits are bounded by the configured timeout plus a wide margin (the machine is shared):
 * they check that the server closes, not how fast.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { metricValue } from '../../../src/testing/client.ts';
import { mockConfig, postJson, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

const KEY = 'sk-slow-clients-0123456789abcdef';
const CHAT = { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] };
/** Far above any timeout under test, far below mocha's. */
const MARGIN_MS = 8000;

interface RawConn {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with what the server sent once the socket is closed. */
  closed: Promise<string>;
}

function connect(port: number): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => (data += c.toString('latin1')));
    socket.on('error', () => undefined); // a reset by the server is one way to be closed
    const closed = new Promise<string>((r) => socket.once('close', () => r(data)));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Rejects when `p` has not settled within `ms`: the server did not do what it must. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Resolves once the server has sent `marker` on the connection. */
function answered(c: RawConn, marker = '\r\n\r\n'): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (c.received().includes(marker)) {
        c.socket.off('data', check);
        resolve(c.received());
      }
    };
    c.socket.on('data', check);
    c.socket.once('close', () => (c.received().includes(marker) ? resolve(c.received()) : reject(new Error(`closed before answering: ${c.received()}`))));
    check();
  });
}

function postHead(path: string, length: number, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `POST ${path} HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${extra}\r\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metrics(gw: TestGateway): Promise<string> {
  return (await fetch(`${gw.url}/metrics`)).text();
}

/** Every series of `name` whose `status` label is a 5xx, summed. */
function fiveXx(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && /status="5\d\d"/.test(line)) sum += Number(line.split(' ').pop());
  return sum;
}

/** Polls until `f` holds (the metrics plugin counts in onDone, just after the answer). */
async function eventually(f: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

describe('slow and hostile clients', function () {
  this.timeout(60_000);

  describe('body timeout', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(
        mockConfig('server: { timeouts: { body_ms: 1000, headers_ms: 1000 } }')
          .replace('providers: { local: { type: mock } }', 'providers: { local: { type: mock }, paced: { type: mock, options: { chunk_delay_ms: 800 } } }')
          .replace('models:\n', 'models:\n  - { name: paced-gpt, provider: paced, model: paced-gpt, capabilities: [chat, stream] }\n'),
      );
    });
    after(() => gw.stop());

    it('closes 500 partial-body connections within the body timeout, answering LLM requests meanwhile', async () => {
      const conns = await Promise.all(Array.from({ length: 500 }, () => connect(gw.port)));
      for (const c of conns) c.socket.write(`${postHead('/v1/chat/completions', 1000)}{"model":`);
      const served = await postJson(`${gw.url}/v1/chat/completions`, CHAT);
      assert.equal(served.status, 200, 'an LLM request is answered while 500 connections stall');
      const texts = await within(Promise.all(conns.map((c) => c.closed)), 1000 + MARGIN_MS, 'all 500 stalled connections closed by the server');
      const timedOut = texts.filter((t) => t.startsWith('HTTP/1.1 408')).length;
      assert.equal(timedOut, 500, 'each was told 408 before the close');
      assert.match(texts[0]!, /connection: close/i);
      assert.match(texts[0]!, /"code":"request_timeout"/);
      const m = await metrics(gw);
      assert.equal(metricValue(m, 'gateway_requests_total', { status: '408' }), 500);
      assert.equal(fiveXx(m, 'gateway_requests_total'), 0);
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, CHAT)).status, 200, 'still serving');
    });

    it('cuts slow headers at the headers timeout, and a connection that sends nothing', async () => {
      const slow = await connect(gw.port);
      slow.socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\n');
      const silent = await connect(gw.port);
      await within(Promise.all([slow.closed, silent.closed]), 1000 + MARGIN_MS, 'slow-header and silent connections closed');
    });

    it('does not cut a streamed answer that outlasts the body and headers timeouts', async () => {
      const started = Date.now();
      const r = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...CHAT, model: 'paced-gpt', stream: true }),
      });
      const text = await r.text();
      assert.equal(r.status, 200);
      assert.ok(Date.now() - started > 2500, `the stream lasted past both timeouts (${Date.now() - started} ms)`);
      assert.match(text, /data: \[DONE\]/);
    });
  });

  describe('keep-alive timeout', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(mockConfig('server: { timeouts: { keep_alive_ms: 1000 } }'));
    });
    after(() => gw.stop());

    it('closes an idle keep-alive connection at the keep-alive timeout', async () => {
      const c = await connect(gw.port);
      c.socket.write('GET /v1/models HTTP/1.1\r\nhost: gateway\r\n\r\n');
      const head = await within(answered(c), MARGIN_MS, 'the models list');
      assert.match(head, /^HTTP\/1\.1 200/);
      assert.match(head, /keep-alive: timeout=1/i);
      await within(c.closed, 1000 + MARGIN_MS, 'the idle keep-alive connection closed');
    });
  });

  describe('on reload', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(mockConfig());
    });
    after(() => gw.stop());

    it('applies new timeouts and a new per-address cap without a restart', async () => {
      await gw.writeConfig(mockConfig('server: { timeouts: { body_ms: 1000, keep_alive_ms: 1000 }, max_connections_per_ip: 2 }'));
      assert.equal((await gw.runtime.reload()).ok, true);
      const partial = await connect(gw.port);
      partial.socket.write(`${postHead('/v1/chat/completions', 1000)}{"model":`);
      assert.match(await within(partial.closed, 1000 + MARGIN_MS, 'the stalled body cut at the new body_ms'), /^HTTP\/1\.1 408/);
      const idle = await connect(gw.port);
      idle.socket.write('GET /v1/models HTTP/1.1\r\nhost: gateway\r\n\r\n');
      await within(answered(idle), MARGIN_MS, 'the models list');
      const [a, b] = await Promise.all([connect(gw.port), connect(gw.port)]);
      await within(b!.closed, MARGIN_MS, 'the 3rd connection from one address refused');
      a!.socket.destroy();
      await within(idle.closed, 1000 + MARGIN_MS, 'the idle connection closed at the new keep_alive_ms');
    });
  });

  describe('auth before the body', () => {
    let gw: TestGateway;
    let app: http.Server;
    let appRequests = 0;
    before(async () => {
      app = http.createServer((req, res) => {
        appRequests++;
        req.resume();
        req.on('end', () => res.end('{"ok":true}'));
      });
      await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
      const appPort = (app.address() as AddressInfo).port;
      gw = await startTestGateway(
        mockConfig(`keys: [ { name: k, key: ${KEY} } ]
routes:
  - path: /apps/up
    proxy: { target: "http://127.0.0.1:${appPort}" }
    pipeline: [ { use: metrics }, { use: auth } ]
server: { timeouts: { body_ms: 60000 } }`).replace(
          'pipeline: [ { use: metrics }, { use: validation }',
          'pipeline: [ { use: metrics }, { use: auth }, { use: validation }',
        ),
      );
    });
    after(async () => {
      await gw.stop();
      await new Promise((r) => app.close(r));
    });

    for (const [what, headers] of [
      ['no key', {}],
      ['a wrong key', { authorization: 'Bearer sk-wrong-0123456789abcdef' }],
    ] as const) {
      it(`refuses ${what} with 401 while only the headers of a large body were sent, and closes`, async () => {
        const c = await connect(gw.port);
        c.socket.write(postHead('/v1/chat/completions', 900_000, headers));
        const text = await within(answered(c, '}}'), MARGIN_MS, '401 before the body');
        assert.match(text, /^HTTP\/1\.1 401/);
        assert.match(text, /connection: close/i);
        assert.match(text, /"code":"invalid_api_key"/);
        await within(c.closed, MARGIN_MS, 'the connection closed after the refusal');
      });
    }

    it('refuses before reading a declared body of any size (401, not 413)', async () => {
      const c = await connect(gw.port);
      c.socket.write(postHead('/v1/chat/completions', 10_000_000_000));
      assert.match(await within(answered(c, '}}'), MARGIN_MS, '401'), /^HTTP\/1\.1 401/);
    });

    it("answers in the client's dialect (Anthropic)", async () => {
      const c = await connect(gw.port);
      c.socket.write(postHead('/v1/messages', 500_000, { 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-wrong' }));
      const text = await within(answered(c, '}'), MARGIN_MS, '401');
      assert.match(text, /^HTTP\/1\.1 401/);
      assert.match(text, /"type":"error","error":\{"type":"authentication_error"/);
    });

    it('reads the body of a request with a valid key', async () => {
      const r = await postJson(`${gw.url}/v1/chat/completions`, CHAT, { authorization: `Bearer ${KEY}` });
      assert.equal(r.status, 200);
    });

    it('refuses on a proxy route before anything reaches the app', async () => {
      const before = appRequests;
      const c = await connect(gw.port);
      c.socket.write(postHead('/apps/up/upload', 900_000));
      const text = await within(answered(c, '}}'), MARGIN_MS, '401 on the route');
      assert.match(text, /^HTTP\/1\.1 401/);
      assert.match(text, /connection: close/i);
      await within(c.closed, MARGIN_MS, 'closed');
      assert.equal(appRequests, before, 'the app saw nothing');
      const ok = await fetch(`${gw.url}/apps/up/upload`, { method: 'POST', body: 'x', headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(ok.status, 200);
      assert.equal(appRequests, before + 1);
    });
  });

  describe('client aborts are aborts', () => {
    let gw: TestGateway;
    let app: http.Server;
    before(async () => {
      app = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => res.end('{"ok":true}'));
      });
      await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
      const appPort = (app.address() as AddressInfo).port;
      gw = await startTestGateway(
        mockConfig(`routes:
  - path: /apps/up
    proxy: { target: "http://127.0.0.1:${appPort}" }
    pipeline: [ { use: metrics } ]`)
          .replace('providers: { local: { type: mock } }', 'providers: { local: { type: mock }, slow: { type: mock, options: { latency_ms: 5000 } } }')
          .replace('models:\n', 'models:\n  - { name: slow-gpt, provider: slow, model: slow-gpt }\n'),
        { captureLogs: true },
      );
    });
    after(async () => {
      await gw.stop();
      await new Promise((r) => app.close(r));
    });

    /** Sends the headers and part of a body, then hangs up (half with a reset). */
    async function abortUpload(path: string, i: number): Promise<void> {
      const c = await connect(gw.port);
      c.socket.write(`${postHead(path, 1000)}{"model":"mock-gpt","mess`);
      await sleep(30);
      if (i % 2) c.socket.resetAndDestroy();
      else c.socket.destroy();
      await c.closed;
    }

    it('counts 1,200 uploads aborted mid-body as 499, adding nothing to any 5xx or error counter', async () => {
      for (let batch = 0; batch < 12; batch++) await Promise.all(Array.from({ length: 100 }, (_, i) => abortUpload('/v1/chat/completions', i)));
      await eventually(
        async () => metricValue(await metrics(gw), 'gateway_requests_total', { route: 'chat', status: '499' }) >= 1200,
        MARGIN_MS,
        '1200 aborts counted',
      );
      const m = await metrics(gw);
      assert.equal(metricValue(m, 'gateway_requests_total', { route: 'chat', status: '499' }), 1200);
      assert.equal(fiveXx(m, 'gateway_requests_total'), 0, 'no 5xx status');
      assert.equal(metricValue(m, 'gateway_errors_total'), 0, 'no error of any code');
      assert.equal(metricValue(m, 'gateway_plugin_errors_total'), 0);
      assert.equal(gw.logs.filter((l) => /"level":(50|60)/.test(l)).length, 0, 'nothing logged as an error');
      assert.ok(
        gw.logs.some((l) => /"level":20.*client closed the request/.test(l)),
        'the abort is logged at debug',
      );
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, CHAT)).status, 200, 'still serving');
    });

    it('counts a client that leaves mid-answer as 499, not an error', async () => {
      const before = metricValue(await metrics(gw), 'gateway_requests_total', { status: '499' });
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const ac = new AbortController();
          const r = fetch(`${gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ...CHAT, model: 'slow-gpt' }),
            signal: ac.signal,
          });
          await sleep(200);
          ac.abort();
          await r.catch(() => undefined);
        }),
      );
      await eventually(async () => metricValue(await metrics(gw), 'gateway_requests_total', { status: '499' }) >= before + 10, MARGIN_MS, '10 aborts counted');
      const m = await metrics(gw);
      assert.equal(fiveXx(m, 'gateway_requests_total'), 0);
      assert.equal(metricValue(m, 'gateway_errors_total'), 0);
    });

    it('counts uploads aborted mid-body on a proxy route as 499, not 5xx', async () => {
      for (let batch = 0; batch < 2; batch++) await Promise.all(Array.from({ length: 50 }, (_, i) => abortUpload('/apps/up/upload', i)));
      await eventually(
        async () => metricValue(await metrics(gw), 'gateway_requests_total', { route: 'proxy' }) >= 100,
        MARGIN_MS,
        '100 proxy requests counted',
      );
      const m = await metrics(gw);
      assert.equal(metricValue(m, 'gateway_requests_total', { route: 'proxy', status: '499' }), 100);
      assert.equal(fiveXx(m, 'gateway_requests_total'), 0);
      assert.equal(metricValue(m, 'gateway_errors_total'), 0);
      assert.equal((await fetch(`${gw.url}/apps/up/x`, { method: 'POST', body: '1' })).status, 200, 'the route still serves');
    });
  });

  describe('connections per address', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startTestGateway(mockConfig('server: { max_connections_per_ip: 3 }'));
    });
    after(() => gw.stop());

    it('closes the connection beyond the cap as it is accepted, and counts it', async () => {
      const held = await Promise.all([connect(gw.port), connect(gw.port), connect(gw.port)]);
      const extra = await connect(gw.port);
      await within(extra.closed, MARGIN_MS, 'the 4th connection closed');
      assert.equal(extra.received(), '', 'closed without an answer');
      // The three held ones still serve.
      held[0]!.socket.write('GET /v1/models HTTP/1.1\r\nhost: gateway\r\n\r\n');
      assert.match(await within(answered(held[0]!), MARGIN_MS, 'a held connection answers'), /^HTTP\/1\.1 200/);
      for (const c of held) c.socket.destroy();
      await Promise.all(held.map((c) => c.closed));
      await sleep(50);
      const m = await metrics(gw);
      assert.equal(metricValue(m, 'gateway_connections_refused_total', { reason: 'per_ip_cap' }), 1);
    });
  });
});
