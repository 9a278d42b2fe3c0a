/** Load drivers: autocannon for JSON requests, an undici loop for streams' time to first byte. */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadResult { rps: number; p50: number; p99: number; errors: number; non2xx: number; requests: number }

const CHAT = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say something short.' }] });
const CHAT_STREAM = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'Say something short.' }] });

/** Closed loop (rate undefined) or fixed open-ish rate via autocannon's overallRate. */
export async function loadChat(url: string, opts: { seconds: number; connections: number; rate?: number }): Promise<LoadResult> {
  const r = await autocannon({
    url: `${url}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT,
    connections: opts.connections, duration: opts.seconds, overallRate: opts.rate, pipelining: 1,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

export interface StreamResult { p50Ttfb: number; p99Ttfb: number; p50Total: number; p99Total: number; errors: number; count: number }

const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN;

/**
 * Open loop at a fixed rate, evenly spaced (autocannon's overallRate sends in bursts, which
 * measures its own queueing): time to first body byte (the first SSE event for streams)
 * and to the last byte.
 */
export async function loadFixedRate(url: string, opts: { seconds: number; rate: number; stream: boolean }): Promise<StreamResult> {
  const payload = opts.stream ? CHAT_STREAM : CHAT;
  const pool = new Pool(url, { connections: 128, pipelining: 1 });
  const ttfb: number[] = [];
  const total: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const interval = 1000 / opts.rate;
  const end = performance.now() + opts.seconds * 1000;
  let next = performance.now();
  while (performance.now() < end) {
    const t0 = performance.now();
    inflight.push((async () => {
      try {
        const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
        let first = true;
        for await (const _ of res.body) if (first) { ttfb.push(performance.now() - t0); first = false; }
        if (res.statusCode !== 200) errors++;
        total.push(performance.now() - t0);
      } catch { errors++; }
    })());
    next += interval;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inflight);
  await pool.close();
  ttfb.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return { p50Ttfb: pct(ttfb, 0.5), p99Ttfb: pct(ttfb, 0.99), p50Total: pct(total, 0.5), p99Total: pct(total, 0.99), errors, count: ttfb.length };
}
