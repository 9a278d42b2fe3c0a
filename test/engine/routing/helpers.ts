/** Fakes for routing tests: deployments, a catalog over scripted ProviderClients, contexts. */
import { pino } from 'pino';
import { RequestContext } from '../../../src/engine/context.ts';
import type { Deployment, ModelCatalog, ProviderClient, UpstreamResponse, CallOptions, StreamEvent } from '../../../src/engine/types.ts';
import type { ChatRequest, Capability } from '../../../src/engine/openai-types.ts';

export function deployment(id: string, name: string, over: Partial<Deployment> = {}): Deployment {
  const [provider, model] = id.split('/') as [string, string];
  return {
    id,
    name,
    provider,
    providerType: 'fake',
    model,
    capabilities: new Set<Capability>(['chat', 'stream', 'tools']),
    weight: 1,
    timeouts: { connect_ms: 1000, first_byte_ms: 5000, idle_ms: 5000, total_ms: 10000 },
    retry: { attempts: 2, base_delay_ms: 1, max_delay_ms: 5 },
    tags: [],
    config: { name, provider, model },
    ...over,
  };
}

export type Script = (body: ChatRequest, call: CallOptions) => Promise<UpstreamResponse> | UpstreamResponse;

/** A catalog whose provider `p` answers through `scripts[p]`; calls are counted per deployment id. */
export function catalogOf(deployments: Deployment[], scripts: Record<string, Script>): ModelCatalog & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const clients = new Map<string, ProviderClient>();
  for (const [name, script] of Object.entries(scripts)) {
    clients.set(name, {
      name,
      type: 'fake',
      defaultCapabilities: ['chat'],
      chat: async (body, call) => {
        calls.set(call.deployment.id, (calls.get(call.deployment.id) ?? 0) + 1);
        return script(body, call);
      },
      async close() {},
    });
  }
  return {
    calls,
    group: (n) => {
      const g = deployments.filter((d) => d.name === n);
      return g.length ? g : undefined;
    },
    names: () => [...new Set(deployments.map((d) => d.name))],
    all: () => deployments,
    provider: (n) => clients.get(n),
  };
}

export function ok(text = 'hi'): UpstreamResponse {
  return {
    kind: 'json',
    status: 200,
    headers: {},
    body: {
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    },
  };
}

export function chunk(content: string): StreamEvent {
  return { data: { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] } };
}

export function streamOf(events: StreamEvent[], failAt?: { index: number; err: Error }): UpstreamResponse {
  async function* gen(): AsyncGenerator<StreamEvent> {
    for (let i = 0; i < events.length; i++) {
      if (failAt && failAt.index === i) throw failAt.err;
      await Promise.resolve();
      yield events[i]!;
    }
    if (failAt && failAt.index >= events.length) throw failAt.err;
  }
  return { kind: 'stream', status: 200, headers: {}, events: gen() };
}

export function sleepAbortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      },
      { once: true },
    );
  });
}

let n = 0;
export function context(body: Partial<ChatRequest> & { model: string }, extra: { headers?: Record<string, string> } = {}): RequestContext {
  const full = { messages: [{ role: 'user', content: 'hello there' }], ...body };
  const raw = Buffer.from(JSON.stringify(full));
  return new RequestContext({
    id: `req-${++n}`,
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: extra.headers ?? {},
    clientIp: '127.0.0.1',
    generation: 1,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    body: full,
    rawBody: raw,
  });
}

export async function drain(res: UpstreamResponse): Promise<string> {
  if (res.kind !== 'stream') throw new Error('not a stream');
  let s = '';
  for await (const e of res.events) s += e.data.choices[0]?.delta.content ?? '';
  return s;
}
