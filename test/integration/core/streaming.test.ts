import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';

function configFor(upstream: FakeOpenAI): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  up: { type: openai, base_url: "${upstream.url}/v1", api_key: "k", retry: { attempts: 1 } }
models:
  - { name: m, provider: up, model: up-model }
pipeline: [ { use: metrics }, { use: provider } ]
`;
}

const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }], ...extra });

/** Raw SSE request; resolves with the response once headers arrive. */
function openStream(url: string, payload: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => resolve({ req, res }));
    req.on('error', reject);
    req.end(payload);
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of res) s += c;
  return s;
}

describe('streaming end to end', () => {
  let upstream: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    upstream = await startFakeOpenAI();
    gw = await startTestGateway(configFor(upstream));
  });
  after(async () => {
    await gw.stop();
    await upstream.close();
  });
  afterEach(() => {
    upstream.behave = { reply: 'Hello from the fake upstream', delayMs: 0, chunkDelayMs: 0, repeat: 1 };
  });

  it('passes each event through as it arrives (no buffering)', async () => {
    upstream.behave.chunkDelayMs = 150;
    const { res } = await openStream(`${gw.url}/v1/chat/completions`, body());
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    const arrivals: number[] = [];
    const t0 = Date.now();
    for await (const c of res) if (String(c).includes('"content":"')) arrivals.push(Date.now() - t0);
    // Five words, 150 ms apart upstream: they must not arrive in one lump at the end.
    assert.ok(arrivals.length >= 4, `arrivals ${arrivals}`);
    assert.ok(arrivals.at(-1)! - arrivals[1]! >= 300, `events were buffered: ${arrivals}`);
  });

  it('a client disconnect aborts the upstream request', async () => {
    upstream.behave.chunkDelayMs = 50;
    upstream.behave.repeat = 40;
    const before = upstream.abortedStreams;
    const { req, res } = await openStream(`${gw.url}/v1/chat/completions`, body());
    await new Promise((r) => res.once('data', r));
    req.destroy();
    for (let i = 0; i < 40 && upstream.abortedStreams === before; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(upstream.abortedStreams, before + 1);
  });

  it('a slow reader is not buffered for: the upstream is held back (backpressure)', async () => {
    upstream.behave.repeat = 300_000; // ~50 MB of SSE: more than every socket buffer on the way
    upstream.behave.reply = 'probe';
    const { req, res } = await openStream(`${gw.url}/v1/chat/completions`, body());
    res.pause();
    await new Promise((r) => setTimeout(r, 1500));
    const { sent, total } = upstream.lastStream;
    // The client reads nothing, so the gateway must stop pulling from the upstream once the
    // socket buffers are full. Were it buffering for the client, the upstream would finish.
    assert.equal(total, 300_000);
    assert.ok(sent < total / 2, `upstream wrote ${sent} of ${total} chunks to a paused client`);
    assert.ok(sent > 0);
    req.destroy();
  });

  it('an upstream failure mid-stream ends with an error event, not a clean end', async () => {
    upstream.behave.cutAfterChunks = 2;
    upstream.behave.chunkDelayMs = 30;
    const { res } = await openStream(`${gw.url}/v1/chat/completions`, body());
    const text = await readAll(res);
    assert.match(text, /"content":"Hello"/);
    assert.ok(!text.includes('[DONE]'), 'must not end cleanly');
    const last = text.trim().split('\n\n').at(-1)!;
    const err = JSON.parse(last.replace(/^data: /, ''));
    // A socket cut mid-answer is a truncated stream or a reset, by when undici notices.
    assert.ok(['bad_upstream_response', 'upstream_unavailable'].includes(err.error.code), err.error.code);
  });

  it('a failure before the first byte is a plain HTTP error', async () => {
    upstream.behave.status = 500;
    const { res } = await openStream(`${gw.url}/v1/chat/completions`, body());
    assert.ok(res.statusCode! >= 500);
    const json = JSON.parse(await readAll(res));
    assert.equal(json.error.code, 'upstream_unavailable');
  });

  it('honours stream_options.include_usage', async () => {
    const { res } = await openStream(`${gw.url}/v1/chat/completions`, body({ stream_options: { include_usage: true } }));
    const text = await readAll(res);
    const usage = text
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)))
      .find((c) => c.usage);
    assert.deepEqual(usage.usage, { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
    assert.ok(text.trim().endsWith('data: [DONE]'));
  });
});
