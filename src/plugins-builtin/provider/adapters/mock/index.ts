/**
 * The offline, deterministic provider: answers with no key and no network so a new user
 * gets a reply at once, and tests and benchmarks have an upstream with known output.
 * The reply echoes the last user message; usage counts whitespace-separated words.
 * `options.latency_ms` delays the answer, `options.chunk_delay_ms` paces stream chunks.
 */
import type { ProviderAdapterDefinition, ProviderClient, StreamEvent, UpstreamResponse } from '../../../../engine/types.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, EmbeddingsRequest, Usage } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { contentText } from '../../../../engine/message-text.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';

interface MockOptions {
  latency_ms?: number;
  chunk_delay_ms?: number;
  reply?: string;
}

const countWords = (s: string): number => (s.match(/\S+/g) ?? []).length;

function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i]!;
    if (m.role !== 'user') continue;
    return contentText(m.content, ' ');
  }
  return '';
}

function promptWords(req: ChatRequest): number {
  let n = 0;
  for (const m of req.messages) n += typeof m.content === 'string' ? countWords(m.content) : 1;
  return n;
}

/** Deterministic id from the request so repeated calls are comparable in tests. */
const idFor = (text: string) => 'chatcmpl-mock-' + createHash('sha1').update(text).digest('hex').slice(0, 12);

export function mockReply(req: ChatRequest, opts: MockOptions = {}): { text: string; usage: Usage } {
  const text = opts.reply ?? `Mock reply to: ${lastUserText(req)}`;
  const prompt = promptWords(req);
  const completion = countWords(text);
  return { text, usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } };
}

function chat(req: ChatRequest, opts: MockOptions, signal: AbortSignal): Promise<UpstreamResponse> | UpstreamResponse {
  const { text, usage } = mockReply(req, opts);
  const id = idFor(text);
  const created = Math.floor(Date.now() / 1000);
  if (req.stream) {
    const words = text.split(/(?<=\s)/);
    async function* events(): AsyncGenerator<StreamEvent> {
      if (opts.latency_ms) await sleep(opts.latency_ms, undefined, { signal });
      const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: ChatCompletionChunk['choices'][0]['finish_reason']): ChatCompletionChunk => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model: req.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      yield { data: chunk({ role: 'assistant', content: '' }, null) };
      for (const w of words) {
        if (opts.chunk_delay_ms) await sleep(opts.chunk_delay_ms, undefined, { signal });
        yield { data: chunk({ content: w }, null) };
      }
      yield { data: chunk({}, 'stop') };
      // Always report usage, as the OpenAI adapter asks its upstreams to: the server drops
      // this chunk for clients that did not ask for stream_options.include_usage.
      yield { data: { id, object: 'chat.completion.chunk', created, model: req.model, choices: [], usage } };
    }
    return { kind: 'stream', status: 200, headers: {}, events: events() };
  }
  const body: ChatCompletion = {
    id,
    object: 'chat.completion',
    created,
    model: req.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage,
  };
  if (!opts.latency_ms) return { kind: 'json', status: 200, headers: {}, body };
  return sleep(opts.latency_ms, undefined, { signal }).then(() => ({ kind: 'json' as const, status: 200, headers: {}, body }));
}

/** A deterministic unit vector per input, from its hash: same text, same embedding. */
export function mockEmbedding(text: string, dims = 8): number[] {
  const h = createHash('sha256').update(text).digest();
  const v = Array.from({ length: dims }, (_, i) => h[i % h.length]! / 255 - 0.5);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function embeddings(req: EmbeddingsRequest): UpstreamResponse {
  const inputs = Array.isArray(req.input) ? req.input : [req.input];
  if (inputs.length === 0) throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'input must not be empty', param: 'input' });
  const dims = req.dimensions ?? 8;
  if (!Number.isInteger(dims) || dims < 1 || dims > 4096)
    throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'dimensions must be an integer from 1 to 4096', param: 'dimensions' });
  const texts = inputs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  const tokens = texts.reduce((n, t) => n + countWords(t), 0);
  return {
    kind: 'json',
    status: 200,
    headers: {},
    body: {
      object: 'list',
      model: req.model,
      data: texts.map((t, index) => ({ object: 'embedding', index, embedding: mockEmbedding(t, dims) })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

const mock: ProviderAdapterDefinition = {
  type: 'mock',
  defaultCapabilities: ['chat', 'stream', 'tools', 'json_mode', 'embeddings'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      latency_ms: { type: 'integer', minimum: 0, description: 'Delay before answering.' },
      chunk_delay_ms: { type: 'integer', minimum: 0, description: 'Delay between stream chunks.' },
      reply: { type: 'string', description: 'Fixed reply text instead of the echo.' },
    },
  },
  create(name, config): ProviderClient {
    const opts = (config.options ?? {}) as MockOptions;
    return {
      name,
      type: 'mock',
      defaultCapabilities: mock.defaultCapabilities,
      chat: async (body, call) => chat(body, opts, call.signal),
      embeddings: async (body) => embeddings(body),
      async close() {
        /* nothing held */
      },
    };
  },
};

export default mock;
