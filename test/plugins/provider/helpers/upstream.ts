/**
 * A scripted local upstream for adapter tests: a real node:http server on an ephemeral
 * port whose handler each test sets. (nock cannot intercept an undici Pool — it patches
 * http.ClientRequest and global fetch only — so the adapters are tested over real sockets.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { CallOptions, Deployment } from '../../../../src/engine/types.ts';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
}
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, rec: Recorded) => void | Promise<void>;

export interface FakeUpstream {
  url: string;
  requests: Recorded[];
  handler: Handler;
  /** Resolves when the server saw the client side of a response close (socket freed). */
  closed(): Promise<void>;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<FakeUpstream> {
  let closedWaiters: Array<() => void> = [];
  const up: FakeUpstream = {
    url: '',
    requests: [],
    handler: (_q, res) => {
      res.statusCode = 500;
      res.end('no handler');
    },
    closed: () => new Promise((r) => closedWaiters.push(r)),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString()) : undefined;
    } catch {
      json = undefined;
    }
    const rec: Recorded = { method: req.method!, url: req.url!, headers: req.headers, body, json };
    up.requests.push(rec);
    res.on('close', () => {
      const w = closedWaiters;
      closedWaiters = [];
      w.forEach((f) => f());
    });
    try {
      await up.handler(req, res, rec);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return up;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Write an SSE body: `data: <json>\n\n` per item (strings are written as they are). */
export function sseBody(items: Array<unknown>): string {
  return items.map((x) => (typeof x === 'string' ? x : `data: ${JSON.stringify(x)}\n\n`)).join('');
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

export function startSse(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

export const logger = pino({ level: 'silent' });

const defaultTimeouts = { connect_ms: 2000, first_byte_ms: 2000, idle_ms: 2000, total_ms: 5000 };

/** CallOptions for a direct adapter call. */
export function callOpts(over: Omit<Partial<CallOptions>, 'timeouts'> & { timeouts?: Partial<CallOptions['timeouts']> } = {}): CallOptions {
  const ac = new AbortController();
  const deployment = {
    id: 'p/m',
    name: 'm',
    provider: 'p',
    providerType: 'x',
    model: 'm',
    capabilities: new Set(),
    weight: 1,
    timeouts: defaultTimeouts,
    retry: { attempts: 1, base_delay_ms: 0, max_delay_ms: 0 },
    tags: [],
    config: { name: 'm', provider: 'p', model: 'm' },
  } as unknown as Deployment;
  return { signal: over.signal ?? ac.signal, requestId: 'req-1', deployment, ...over, timeouts: { ...defaultTimeouts, ...over.timeouts } };
}

/** Collect every event of a stream response. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The error a promise (or async iteration) rejects with. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
