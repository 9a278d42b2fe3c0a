/**
 * The gateway the dashboards test scrapes, and the traffic that makes every dashboard
 * metric report: chats and streams on a mock model, a fallback off a dead provider, hedged
 * requests, an A/B split, a rate-limit and a budget refusal, an auth failure, a plugin that
 * throws and an invalid request. The test adds a good and a bad config reload.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postJson, type TestGateway } from '../helpers/gateway.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'throw-on-header.ts');
export const MAIN_KEY = 'grafana-test-main-key-0001';
export const TIGHT_KEY = 'grafana-test-tight-key-0001';

/** `extraModel` lets a reload change the config (and so bump the generation). */
export function dashboardConfig(extraModel = ''): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
keys:
  - { name: main, key: ${MAIN_KEY} }
  - { name: tight, key: ${TIGHT_KEY}, limits: { rpm: 2 }, budget: { limit: 0.000001, period: daily, soft: 0.5 } }
providers:
  local: { type: mock }
  dead: { type: openai, base_url: "http://127.0.0.1:1/v1", api_key: unused-key, retry: { attempts: 1 }, timeouts: { connect_ms: 500 } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, capabilities: [chat, stream], pricing: { input_per_1m: 1, output_per_1m: 2 } }
  - { name: flaky-gpt, provider: dead, model: gpt-flaky, capabilities: [chat, stream], pricing: { input_per_1m: 1, output_per_1m: 2 } }
  - { name: hedged-gpt, provider: local, model: mock-a, capabilities: [chat, stream], pricing: { input_per_1m: 1, output_per_1m: 2 } }
  - { name: hedged-gpt, provider: local, model: mock-b, capabilities: [chat, stream], pricing: { input_per_1m: 1, output_per_1m: 2 } }
${extraModel}
plugins: { roots: [${path.dirname(FIXTURE)}] }
pipeline:
  - use: metrics
  - use: auth
  - use: rate-limit
  - use: budget
  - use: audit
  - use: validation
  - use: ${FIXTURE}
  - use: router
    config:
      fallbacks: { flaky-gpt: { any: [mock-gpt] } }
      hedging: { hedged-gpt: { delay_ms: 0, fanout: 2 } }
      hedge_budget: { max_fraction: 1, max_extra_usd_per_min: 100 }
      breaker: { failure_threshold: 1, cooldown_ms: 60000 }
      ab: [ { name: exp-1, model: mock-gpt, sticky: none, variants: [ { model: mock-gpt, weight: 1 } ] } ]
  - use: provider
`;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function chat(gw: TestGateway, model: string, key = MAIN_KEY, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return postJson(
    `${gw.url}/v1/chat/completions`,
    { model, messages: [{ role: 'user', content: 'how are the dashboards' }], ...extra },
    { ...bearer(key), ...headers },
  );
}

/** One round of every kind of traffic; returns the statuses seen, for the test to check. */
export async function driveTraffic(gw: TestGateway): Promise<Record<string, number[]>> {
  const seen: Record<string, number[]> = {};
  const note = (kind: string, status: number) => {
    (seen[kind] ??= []).push(status);
  };
  for (let i = 0; i < 4; i++) note('chat', (await chat(gw, 'mock-gpt')).status);
  for (let i = 0; i < 2; i++) {
    note('stream', (await chat(gw, 'mock-gpt', MAIN_KEY, { stream: true, stream_options: { include_usage: true } })).status);
  }
  note('fallback', (await chat(gw, 'flaky-gpt')).status);
  note('hedged', (await chat(gw, 'hedged-gpt')).status);
  note('invalid', (await postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-gpt', messages: 'nope' }, bearer(MAIN_KEY))).status);
  note('unauthenticated', (await chat(gw, 'mock-gpt', 'not-a-real-key-000000000')).status);
  note('plugin-throws', (await chat(gw, 'mock-gpt', MAIN_KEY, {}, { 'x-test-throw': '1' })).status);
  // The tight key: the first call spends past its tiny budget, the second is refused for
  // it, and the third exceeds rpm 2.
  for (let i = 0; i < 3; i++) note('tight', (await chat(gw, 'mock-gpt', TIGHT_KEY)).status);
  return seen;
}
