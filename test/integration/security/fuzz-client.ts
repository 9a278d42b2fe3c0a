/**
 * Sends a fuzz request and says how it ended: a status (0 when the server closed the
 * connection without one, which only raw garbage may earn), a hang (no end within the
 * per-request timeout, counted, never waited on beyond it), or a transport error. Client
 * requests share a keep-alive undici pool; raw ones get a socket of their own, written
 * byte for byte (latin1, so `\xff` in a path is the byte 0xff).
 */
import net from 'node:net';
import { Pool, errors as undiciErrors } from 'undici';
import type { FuzzRequest } from './fuzz-requests.ts';

export interface Outcome {
  status: number;
  hang: boolean;
  /** A transport failure of a client request (the server dropped a request it had accepted). */
  error?: string;
  /** The start of the answer, for the report and the `internal_error` check. */
  text: string;
}

/** Bytes of an answer kept for the report; the rest is read and dropped. */
const KEEP = 4096;

export class FuzzClient {
  private readonly pool: Pool;
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly origin: string,
    private readonly timeoutMs: number,
    connections: number,
  ) {
    const u = new URL(origin);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.pool = new Pool(origin, { connections, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  send(r: FuzzRequest): Promise<Outcome> {
    return r.transport === 'raw' ? this.sendRaw(r) : this.sendClient(r);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async sendClient(r: FuzzRequest): Promise<Outcome> {
    try {
      const res = await this.pool.request({
        path: r.path,
        method: r.method as 'GET',
        headers: r.headers.flat(),
        body: r.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      let text = '';
      for await (const chunk of res.body) if (text.length < KEEP) text += (chunk as Buffer).toString('utf8');
      return { status: res.statusCode, hang: false, text: text.slice(0, KEEP) };
    } catch (err) {
      const e = err as Error & { code?: string };
      const hang =
        e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e.name === 'TimeoutError' || e.name === 'AbortError';
      return { status: 0, hang, error: hang ? undefined : `${e.name}: ${e.message} (${e.code ?? ''})`, text: '' };
    }
  }

  private sendRaw(r: FuzzRequest): Promise<Outcome> {
    const chunked = r.headers.some(([k, v]) => k.toLowerCase() === 'transfer-encoding' && v.includes('chunked'));
    let head = `${r.method} ${r.path} HTTP/1.1\r\n`;
    if (!r.headers.some(([k]) => k.toLowerCase() === 'host')) head += `host: ${this.host}:${this.port}\r\n`;
    for (const [k, v] of r.headers) head += `${k}: ${v}\r\n`;
    head += 'connection: close\r\n';
    let body = r.body ?? Buffer.alloc(0);
    if (chunked) body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    else if (r.body !== undefined) head += `content-length: ${body.length}\r\n`;
    const bytes = Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
    return new Promise((resolve) => {
      const got: Buffer[] = [];
      let size = 0;
      const socket = net.connect(this.port, this.host);
      const timer = setTimeout(() => finish(true), this.timeoutMs);
      let done = false;
      const finish = (hang: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        const text = Buffer.concat(got).toString('latin1');
        // The final status (after any 100 Continue).
        const statuses = [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((m) => Number(m[1]));
        const status = statuses.find((s) => s >= 200) ?? statuses.at(-1) ?? 0;
        resolve({ status, hang, text: text.slice(0, KEEP) });
      };
      socket.on('data', (c: Buffer) => {
        if (size < KEEP) got.push(c);
        size += c.length;
      });
      socket.on('error', () => undefined); // a reset after the server refused is an ending like any other
      socket.on('close', () => finish(false));
      socket.write(bytes);
    });
  }
}

/** Runs `tasks` with at most `concurrency` at a time; results in order. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
