/** Load drivers: autocannon for closed-loop throughput, an evenly spaced undici loop for latency. */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

const chatBody = (stream: boolean) =>
  JSON.stringify({ model: 'bench-model', ...(stream ? { stream: true } : {}), messages: [{ role: 'user', content: 'Say something short.' }] });
const CHAT = chatBody(false);
const CHAT_STREAM = chatBody(true);

/** Closed loop (rate undefined) or fixed open-ish rate via autocannon's overallRate. */
export async function loadChat(
  url: string,
  opts: { seconds: number; connections: number; rate?: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const r = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: CHAT,
    connections: opts.connections,
    duration: opts.seconds,
    overallRate: opts.rate,
    pipelining: 1,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

/** Raw per-request timings (ms) of a fixed-rate run, so several rounds can be pooled. */
export interface Samples {
  ttfb: number[];
  total: number[];
  errors: number;
}

export const percentile = (sorted: readonly number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN);

/** Several runs' samples as one distribution (sorted). */
export function pool(runs: readonly Samples[]): Samples {
  const ttfb = runs.flatMap((r) => r.ttfb).sort((a, b) => a - b);
  const total = runs.flatMap((r) => r.total).sort((a, b) => a - b);
  return { ttfb, total, errors: runs.reduce((n, r) => n + r.errors, 0) };
}

/**
 * Open loop at a fixed rate, evenly spaced (autocannon's overallRate sends in bursts, which
 * measures its own queueing): time to first body byte (the first SSE event for streams)
 * and to the last byte of every request. A non-200 answer counts as an error.
 */
export async function loadFixedRate(url: string, opts: { seconds: number; rate: number; stream: boolean; headers?: Record<string, string> }): Promise<Samples> {
  const payload = opts.stream ? CHAT_STREAM : CHAT;
  const headers = { 'content-type': 'application/json', ...opts.headers };
  const conns = new Pool(url, { connections: 128, pipelining: 1 });
  const ttfb: number[] = [];
  const total: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const interval = 1000 / opts.rate;
  const end = performance.now() + opts.seconds * 1000;
  let next = performance.now();
  while (performance.now() < end) {
    const t0 = performance.now();
    inflight.push(
      (async () => {
        try {
          const res = await conns.request({ path: '/v1/chat/completions', method: 'POST', headers, body: payload });
          let first = true;
          for await (const _ of res.body)
            if (first) {
              ttfb.push(performance.now() - t0);
              first = false;
            }
          if (res.statusCode !== 200) errors++;
          total.push(performance.now() - t0);
        } catch {
          errors++;
        }
      })(),
    );
    next += interval;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inflight);
  await conns.close();
  return { ttfb, total, errors };
}
