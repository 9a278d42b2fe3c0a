/**
 * A real node:http upstream speaking OpenAI's chat completions wire format, with
 * switchable failure modes for chaos tests: healthy, HTTP errors (429 with Retry-After,
 * 5xx), a stream that dies before its first byte, slow answers, and kill/revive (the
 * port stops accepting connections).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = { kind: 'ok' } | { kind: 'status'; status: number; retryAfter?: number; times?: number } | { kind: 'die-before-first-byte' };

export interface Upstream {
  url: string;
  mode: Mode;
  delayMs: number | (() => number);
  /** Arrival time (performance.now) of every request. */
  hits: number[];
  kill(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startUpstream(name: string): Promise<Upstream> {
  let port = 0;
  let server: http.Server;
  const sockets = new Set<import('node:net').Socket>();
  const u: Upstream = {
    url: '',
    mode: { kind: 'ok' },
    delayMs: 0,
    hits: [],
    async kill() {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
    async revive() {
      await listen();
    },
    async close() {
      if (server.listening) await u.kill();
    },
  };

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      u.hits.push(performance.now());
      const body = JSON.parse(raw || '{}') as { model?: string; stream?: boolean };
      const m = u.mode;
      if (m.kind === 'status' && (m.times === undefined || m.times-- > 0)) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (m.retryAfter !== undefined) headers['retry-after'] = String(m.retryAfter);
        res.writeHead(m.status, headers).end(JSON.stringify({ error: { message: `status ${m.status}`, type: 'server_error', code: null } }));
        return;
      }
      if (m.kind === 'die-before-first-byte' && body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      const delay = typeof u.delayMs === 'function' ? u.delayMs() : u.delayMs;
      setTimeout(() => answer(res, body, name), delay);
    });
  }

  async function listen(): Promise<void> {
    server = http.createServer(handle);
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    u.url = `http://127.0.0.1:${port}`;
  }
  await listen();
  return u;
}

function answer(res: http.ServerResponse, body: { model?: string; stream?: boolean }, name: string): void {
  const text = `hello from ${name}`;
  const base = { id: 'chatcmpl-1', created: 1, model: body.model ?? 'm' };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  for (const w of text.split(/(?<= )/)) res.write(chunk({ content: w }, null));
  res.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
}
