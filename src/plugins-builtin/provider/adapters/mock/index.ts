/**
 * `type: mock` — the offline, deterministic provider: answers with no key and no network
 * so a new user gets a reply at once, and SDK examples (tools, structured output, JSON
 * mode, streaming, embeddings) run offline against it. Tests and benchmarks get an
 * upstream with known output, and `options.faults` rehearses an outage.
 * What it answers: plan.ts; limits and usage: answer.ts; streams: stream.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallOptions, ProviderAdapterDefinition, ProviderClient, UpstreamResponse } from '../../../../engine/types.ts';
import type { ChatRequest } from '../../../../engine/openai-types.ts';
import { upstreamTimeout } from '../../http/errors.ts';
import { compileRequestChecks } from '../../../../engine/request-check.ts';
import { planAnswer } from './plan.ts';
import { completionBody, shapeAnswer } from './answer.ts';
import { mockStream } from './stream.ts';
import { mockEmbeddings } from './embed.ts';
import { FaultInjector } from './faults.ts';
import { MOCK_OPTIONS_SCHEMA, type MockOptions } from './options.ts';

/** The answer's delay, failing as a first-byte timeout when it is longer than the deployment allows. */
async function firstByteDelay(latencyMs: number, call: CallOptions): Promise<void> {
  if (!latencyMs) return;
  const limit = call.timeouts.first_byte_ms;
  await sleep(Math.min(latencyMs, limit), undefined, { signal: call.signal });
  if (latencyMs > limit) throw upstreamTimeout('first_byte', limit);
}

function mockClient(name: string, opts: MockOptions): ProviderClient {
  const faults = new FaultInjector(opts.faults);
  const latency = opts.latency_ms ?? 0;
  // A malformed request gets OpenAI's answer, a 400 naming the field (bodies arrive
  // unvalidated when the pipeline has no `validation`).
  const checks = compileRequestChecks();

  async function chat(req: ChatRequest, call: CallOptions): Promise<UpstreamResponse> {
    const invalid = checks.chat(req);
    if (invalid) throw invalid;
    const answer = shapeAnswer(req, planAnswer(req, opts));
    if (req.stream === true) {
      const cutAfter = faults.streamCut();
      const pace = { chunkWords: opts.chunk_words ?? 1, chunkDelayMs: opts.chunk_delay_ms ?? 0, idleMs: call.timeouts.idle_ms, cutAfter, signal: call.signal };
      // Latency and an injected error come before the first event, as an upstream's would.
      async function* events() {
        await firstByteDelay(latency, call);
        faults.beforeAnswer();
        yield* mockStream(answer, req.model, pace);
      }
      return { kind: 'stream', status: 200, headers: {}, events: events() };
    }
    await firstByteDelay(latency, call);
    faults.beforeAnswer();
    return { kind: 'json', status: 200, headers: {}, body: completionBody(answer, req.model) };
  }

  return {
    name,
    type: 'mock',
    defaultCapabilities: mock.defaultCapabilities,
    chat,
    async embeddings(req, call) {
      const invalid = checks.embeddings(req);
      if (invalid) throw invalid;
      await firstByteDelay(latency, call);
      faults.beforeAnswer();
      return { kind: 'json', status: 200, headers: {}, body: mockEmbeddings(req, opts.embedding_dimensions ?? 8) };
    },
    async close() {
      /* nothing held */
    },
  };
}

const mock: ProviderAdapterDefinition = {
  type: 'mock',
  defaultCapabilities: ['chat', 'stream', 'tools', 'json_mode', 'embeddings'],
  optionsSchema: MOCK_OPTIONS_SCHEMA,
  create: (name, config) => mockClient(name, (config.options ?? {}) as MockOptions),
};

export default mock;
