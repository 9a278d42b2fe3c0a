/**
 * A real local HTTP server speaking OpenAI's Chat Completions / Embeddings / Models wire
 * format (JSON and SSE `data:` events ending with `data: [DONE]`), for integration tests
 * and benchmarks. Behaviour is set per test through `behave`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBehaviour {
  reply: string;
  /** Delay before answering (ms). */
  delayMs: number;
  /** Delay between stream chunks (ms). */
  chunkDelayMs: number;
  /** Destroy the socket after this many content chunks (stream cut mid-answer). */
  cutAfterChunks?: number;
  /** Answer with this status and an OpenAI error body. */
  status?: number;
  /** Repeat each reply word this many times (large streams for backpressure tests). */
  repeat: number;
}

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The body exactly as received (what an upstream's own parser would read). */
  text: string;
}

export interface FakeOpenAI {
  url: string;
  behave: FakeBehaviour;
  requests: RecordedRequest[];
  /** Streams whose client (the gateway) went away before the end. */
  abortedStreams: number;
  /** Bytes the server has written but the peer has not drained (backpressure probe). */
  maxBufferedBytes: number;
  /** Content chunks of the latest stream: written so far, and in all. */
  lastStream: { sent: number; total: number };
  close(): Promise<void>;
}

const usageOf = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });

export async function startFakeOpenAI(initial: Partial<FakeBehaviour> = {}): Promise<FakeOpenAI> {
  const fake: FakeOpenAI = {
    url: '',
    requests: [],
    abortedStreams: 0,
    maxBufferedBytes: 0,
    lastStream: { sent: 0, total: 0 },
    behave: { reply: 'Hello from the fake upstream', delayMs: 0, chunkDelayMs: 0, repeat: 1, ...initial },
    close: async () => undefined,
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    fake.requests.push({ path: req.url ?? '', headers: req.headers, body, text });
    const b = fake.behave;
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    if (b.status && b.status >= 400) {
      res.writeHead(b.status, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'upstream says no', type: 'server_error', param: null, code: null } }));
    }
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ object: 'list', data: [{ id: 'up-model', object: 'model', created: 1, owned_by: 'fake' }] }));
    }
    if (req.url === '/v1/embeddings') {
      const inputs = Array.isArray(body.input) ? (body.input as string[]) : [body.input as string];
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          // The openai SDK asks for base64 (little-endian float32) by default, as OpenAI serves it.
          data: inputs.map((s, index) => {
            const v = [String(s).length, 0.5, -0.25];
            const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
            return { object: 'embedding', index, embedding };
          }),
          usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 },
        }),
      );
    }
    const words = Array.from({ length: b.repeat }, () => b.reply.split(' ')).flat();
    const created = Math.floor(Date.now() / 1000);
    const id = 'chatcmpl-fake-1';
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: words.join(' ') }, finish_reason: 'stop', logprobs: null }],
          usage: usageOf(11, words.length),
        }),
      );
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let finished = false;
    res.on('close', () => {
      if (!finished) fake.abortedStreams++;
    });
    const send = async (data: unknown) => {
      const ok = res.write(`data: ${JSON.stringify(data)}\n\n`);
      fake.maxBufferedBytes = Math.max(fake.maxBufferedBytes, res.writableLength);
      if (!ok) {
        await new Promise<void>((r) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            r();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    await send(chunk({ role: 'assistant', content: '' }, null));
    const progress = (fake.lastStream = { sent: 0, total: words.length });
    for (let i = 0; i < words.length; i++) {
      if (res.destroyed) return;
      if (b.cutAfterChunks !== undefined && i >= b.cutAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (b.chunkDelayMs) await new Promise((r) => setTimeout(r, b.chunkDelayMs));
      await send(chunk({ content: (i ? ' ' : '') + words[i] }, null));
      progress.sent++;
    }
    await send(chunk({}, 'stop'));
    const so = body.stream_options as { include_usage?: boolean } | undefined;
    if (so?.include_usage) await send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: usageOf(11, words.length) });
    finished = true;
    res.end('data: [DONE]\n\n');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}
