/**
 * A scripted OpenAI-compatible upstream on a real socket: the provider a plugin test puts
 * behind the gateway. Each request takes the next reply of the script (or asks a function),
 * in OpenAI's exact wire format — a chat completion, or SSE chunks ending `data: [DONE]`
 * when the request streams — so the gateway's real provider client, codecs and stream
 * writer run, as they do against a real vendor. Every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Usage } from '../engine/openai-types.ts';

/** What the upstream answers to one request. */
export type UpstreamReply =
  /** A chat answer: JSON, or SSE (one chunk per word, then usage when asked) if the request streams. */
  | { content: string; usage?: Partial<Usage>; finish_reason?: string; headers?: Record<string, string>; delayMs?: number }
  /** An error with an OpenAI error body. */
  | { status: number; error?: { message?: string; type?: string; code?: string | null }; headers?: Record<string, string>; delayMs?: number }
  /** Any JSON body as it is. */
  | { json: unknown; status?: number; headers?: Record<string, string>; delayMs?: number }
  /** SSE events as they are (objects are JSON-encoded); `data: [DONE]` is added unless the last is '[DONE]'. */
  | { sse: readonly (object | string)[]; status?: number; headers?: Record<string, string>; delayMs?: number }
  /** Embedding vectors, one per input. */
  | { embeddings: readonly (readonly number[])[]; headers?: Record<string, string>; delayMs?: number }
  /** Close the connection without an answer. */
  | { drop: true };

/** One request the upstream received. */
export interface UpstreamRequest {
  method: string;
  /** The path after the host, e.g. `/v1/chat/completions`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: Record<string, unknown> | undefined;
  /** The body's bytes as text. */
  raw: string;
}

/** Replies in order (one per request), or a function of the request. */
export type UpstreamScript = readonly UpstreamReply[] | ((req: UpstreamRequest) => UpstreamReply | Promise<UpstreamReply>);

export interface ScriptedUpstream {
  /** The base URL a provider's `base_url` takes (`http://127.0.0.1:<port>/v1`). */
  url: string;
  /** Every request received, in order. */
  readonly requests: UpstreamRequest[];
  /** Replace the script (an array starts from its first reply). */
  script(next: UpstreamScript): void;
  close(): Promise<void>;
}

/** Default: echo the last user message, and embed each input as [its length, 0.5, -0.25]. */
export const ECHO: UpstreamScript = (req) => {
  if (req.path.endsWith('/embeddings')) {
    const input = req.body?.input;
    return { embeddings: (Array.isArray(input) ? input : [input]).map((s) => [String(s).length, 0.5, -0.25]) };
  }
  const messages = (req.body?.messages ?? []) as { role?: string; content?: unknown }[];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return { content: `Echo: ${typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '')}` };
};

/**
 * @example
 *   const up = await startScriptedUpstream([{ content: 'Hello' }, { status: 429 }]);
 *   // providers: { up: { type: openai, base_url: up.url, api_key: sk-test } }
 *   up.requests[0].body.messages
 *   await up.close();
 */
export async function startScriptedUpstream(initial: UpstreamScript = ECHO): Promise<ScriptedUpstream> {
  let script = initial;
  let cursor = 0;
  const requests: UpstreamRequest[] = [];

  const nextReply = (req: UpstreamRequest): UpstreamReply | Promise<UpstreamReply> => {
    if (typeof script === 'function') return script(req);
    const reply = script[cursor++];
    return reply ?? { status: 500, error: { message: `llm-gateway/testing: the upstream script has no reply left for request ${requests.length}` } };
  };

  const server = http.createServer(function answer(req, res) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: UpstreamRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: parseObject(raw), raw };
      requests.push(recorded);
      Promise.resolve(nextReply(recorded))
        .then((reply) => send(res, recorded, reply))
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `the upstream script threw: ${String(err)}`, type: 'server_error' } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script(next) {
      script = next;
      cursor = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function send(res: http.ServerResponse, req: UpstreamRequest, reply: UpstreamReply): Promise<void> {
  if ('drop' in reply) return void res.socket?.destroy();
  if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
  const headers = reply.headers ?? {};
  if ('embeddings' in reply) {
    const data = reply.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding }));
    return json(res, 200, headers, { object: 'list', model: req.body?.model, data, usage: { prompt_tokens: data.length, total_tokens: data.length } });
  }
  if ('json' in reply) return json(res, reply.status ?? 200, headers, reply.json);
  if ('sse' in reply) return sse(res, reply.status ?? 200, headers, reply.sse);
  if ('content' in reply) return chat(res, req, headers, reply);
  const error = { message: 'scripted upstream error', type: reply.status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null, ...reply.error };
  return json(res, reply.status, headers, { error: { param: null, ...error } });
}

function json(res: http.ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sse(res: http.ServerResponse, status: number, headers: Record<string, string>, events: readonly (object | string)[]): void {
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  const all = events.at(-1) === '[DONE]' ? events : [...events, '[DONE]'];
  res.end(all.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join(''));
}

type ChatReply = Extract<UpstreamReply, { content: string }>;

function chat(res: http.ServerResponse, req: UpstreamRequest, headers: Record<string, string>, reply: ChatReply): void {
  const model = typeof req.body?.model === 'string' ? req.body.model : 'scripted';
  const pieces = reply.content.match(/\S+\s*|\s+/g) ?? [];
  const completion = reply.usage?.completion_tokens ?? pieces.length;
  const prompt = reply.usage?.prompt_tokens ?? 10;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...reply.usage };
  const finish = reply.finish_reason ?? 'stop';
  const base = { id: 'chatcmpl-scripted', created: Math.floor(Date.now() / 1000), model };
  if (req.body?.stream !== true) {
    const message = { role: 'assistant', content: reply.content };
    return json(res, 200, headers, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
  }
  const chunk = (delta: object, finish_reason: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason }] });
  const events: object[] = [chunk({ role: 'assistant', content: '' }, null), ...pieces.map((p) => chunk({ content: p }, null)), chunk({}, finish)];
  const options = req.body.stream_options as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true) events.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  sse(res, 200, headers, events);
}
