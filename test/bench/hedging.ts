/**
 * Hedging benchmark: two deployments whose latency has a slow tail (5% of requests 10×
 * slower: 200 ms instead of 20 ms). Runs the same closed-loop load through dispatch
 * without and with hedging (hedge after 40 ms, capped at 20% of requests) and prints
 * p50/p95/p99 and the hedge count. Run: node --import tsx test/bench/hedging.ts
 */
import { pino } from 'pino';
import { RequestContext } from '../../src/engine/context.ts';
import { dispatch } from '../../src/engine/routing/dispatch.ts';
import { RoutingState } from '../../src/engine/routing/board.ts';
import { compilePolicy, type RoutingConfig } from '../../src/engine/routing/policy.ts';
import { seededRng } from '../../src/engine/routing/rng.ts';
import type { Deployment, ModelCatalog, ProviderClient, UpstreamResponse } from '../../src/engine/types.ts';

const FAST_MS = 20,
  SLOW_MS = 200,
  SLOW_SHARE = 0.05,
  REQUESTS = 1500,
  CONCURRENCY = 20;

function dep(provider: string): Deployment {
  return {
    id: `${provider}/m`,
    name: 'chat',
    provider,
    providerType: 'bench',
    model: 'm',
    capabilities: new Set(['chat']),
    weight: 1,
    tags: [],
    config: { name: 'chat', provider, model: 'm' },
    timeouts: { connect_ms: 1000, first_byte_ms: 5000, idle_ms: 5000, total_ms: 10000 },
    retry: { attempts: 1, base_delay_ms: 0, max_delay_ms: 0 },
    pricing: { input_per_1m: 1, output_per_1m: 1 },
  };
}

function catalog(rng: () => number): ModelCatalog {
  const body = {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  };
  const client = (name: string): ProviderClient => ({
    name,
    type: 'bench',
    defaultCapabilities: ['chat'],
    async close() {},
    chat: (_b, call) =>
      new Promise<UpstreamResponse>((resolve, reject) => {
        const t = setTimeout(() => resolve({ kind: 'json', status: 200, headers: {}, body }), rng() < SLOW_SHARE ? SLOW_MS : FAST_MS);
        call.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            reject(new Error('aborted'));
          },
          { once: true },
        );
      }),
  });
  const ds = [dep('a'), dep('b')];
  const clients = new Map([
    ['a', client('a')],
    ['b', client('b')],
  ]);
  return { group: () => ds, names: () => ['chat'], all: () => ds, provider: (n) => clients.get(n) };
}

async function run(label: string, cfg: RoutingConfig): Promise<{ p50: number; p95: number; p99: number; attempts: number }> {
  const cat = catalog(seededRng(42));
  const state = new RoutingState();
  const policy = compilePolicy(cfg);
  const log = pino({ level: 'silent' });
  const lat: number[] = [];
  let next = 0,
    attempts = 0;
  async function worker(): Promise<void> {
    while (next < REQUESTS) {
      const i = next++;
      const body = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };
      const ctx = new RequestContext({
        id: `r${i}`,
        endpoint: 'chat',
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {},
        clientIp: '::1',
        generation: 1,
        log,
        signal: new AbortController().signal,
        body,
      });
      const t0 = performance.now();
      await dispatch(ctx, ctx.signal, { catalog: cat, state, policy, rng: seededRng(i) });
      lat.push(performance.now() - t0);
      attempts += ctx.attempts;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  lat.sort((x, y) => x - y);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
  const r = { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), attempts };
  console.log(
    `${label.padEnd(22)} p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  upstream calls ${attempts} for ${REQUESTS} requests`,
  );
  return r;
}

console.log(`two deployments, ${FAST_MS} ms normally, ${SLOW_SHARE * 100}% of calls ${SLOW_MS} ms; ${REQUESTS} requests, ${CONCURRENCY} concurrent`);
const off = await run('without hedging', { strategy: 'round-robin' });
const on = await run('with hedging (40 ms)', {
  strategy: 'round-robin',
  hedging: { chat: { delay_ms: 40 } },
  hedge_budget: { max_fraction: 0.2, max_extra_usd_per_min: 100 },
});
console.log(
  `p99 ${off.p99.toFixed(1)} ms -> ${on.p99.toFixed(1)} ms (${on.p99 < off.p99 ? 'hedging cuts the p99' : 'NO improvement'}); extra upstream calls ${on.attempts - off.attempts}`,
);
