/** A gateway with the semantic cache in front of the fake OpenAI upstream, and SSE helpers. */
import { postJson, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeOpenAI } from '../../helpers/fake-openai.ts';

export const KEY_A = 'semantic-cache-test-key-a-0001';
export const KEY_B = 'semantic-cache-test-key-b-0001';

export interface CacheYaml {
  upstream: FakeOpenAI;
  cache?: string;
  state?: string;
  /** Without auth every caller shares the anonymous partition. */
  auth?: boolean;
}

export function cacheConfig({ upstream, cache = '{}', state = '{ type: memory }', auth = true }: CacheYaml): string {
  return `version: 1
stores: { state: ${state}, db: { type: memory } }
keys:
  - { name: a, key: ${KEY_A} }
  - { name: b, key: ${KEY_B} }
providers:
  up: { type: openai, base_url: "${upstream.url}/v1", api_key: "k", retry: { attempts: 1 } }
models:
  - { name: m, provider: up, model: up-model, capabilities: [chat, stream, tools], pricing: { input_per_1m: 1, output_per_1m: 2 } }
pipeline:
  - use: metrics
${auth ? '  - use: auth\n' : ''}  - use: validation
  - use: semantic-cache
    config: ${cache}
  - use: provider
`;
}

export function chat(gw: TestGateway, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}, key = KEY_A) {
  return postJson(
    `${gw.url}/v1/chat/completions`,
    { model: 'm', messages: [{ role: 'user', content }], ...extra },
    { authorization: `Bearer ${key}`, ...headers },
  );
}

/** Chat completions upstream calls so far. */
export const calls = (u: FakeOpenAI): number => u.requests.filter((r) => r.path === '/v1/chat/completions').length;

/** Stores run in onDone, after the response went out: wait until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The metric's value with this label set, from /metrics. */
export async function metric(gw: TestGateway, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

export interface Sse {
  events: Array<Record<string, any>>;
  done: boolean;
  headers: Headers;
  status: number;
}

/** POST and parse an SSE answer: each `data:` JSON, and whether it ended with [DONE]. */
export async function stream(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Sse> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await r.text();
  const events: Array<Record<string, any>> = [];
  let done = false;
  for (const block of text.split('\n\n')) {
    const data = block
      .split('\n')
      .find((l) => l.startsWith('data: '))
      ?.slice(6);
    if (!data) continue;
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    events.push(JSON.parse(data));
  }
  return { events, done, headers: r.headers, status: r.status };
}

/** The text a chunk stream spells out. */
export const textOf = (s: Sse): string => s.events.map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
