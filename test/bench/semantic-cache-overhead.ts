/**
 * The cache's per-request cost in onRequest (memory store, in process): miss on an
 * empty scope, miss searching a scope of 100 rows, exact hit, semantic hit; and the
 * request-key hashing alone for a 20-message conversation.
 * Run: BENCH_ONLY=semantic-cache-overhead npm run bench, or node --import tsx test/bench/semantic-cache-overhead.ts
 */
import plugin, { type SemanticCacheConfig } from '../../src/plugins-builtin/semantic-cache/index.ts';
import { requestKey } from '../../src/plugins-builtin/semantic-cache/request-key.ts';
import { fakeCtx, fakeEnv } from '../plugins/auth/fake.ts';
import type { ChatRequest } from '../../src/engine/openai-types.ts';
import type { Deployment } from '../../src/engine/types.ts';
import { isMain } from './standalone.ts';

const config: SemanticCacheConfig = {
  similarity_threshold: 0.9,
  semantic: true,
  embedder: 'hashed-ngram',
  dims: 256,
  partition_by: 'key',
  ttl_seconds: 3600,
  max_entries: 100_000,
  max_entries_per_scope: 1000,
  max_temperature: 1,
  exact_numbers: true,
  lookup_timeout_ms: 100,
  store_streams: true,
};
const body = (content: string): ChatRequest => ({
  model: 'mock-gpt',
  temperature: 0,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content },
  ],
});
const answer = {
  kind: 'json' as const,
  status: 200,
  headers: {},
  body: {
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'mock-gpt',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  },
};

export async function bench(): Promise<void> {
  const env = fakeEnv('memory');
  const p = await plugin.create(config, { ...env, pool: undefined as never });

  /** Stored without lookup (no-cache), so near-duplicates all get their own row. */
  async function seed(content: string): Promise<string> {
    const ctx = fakeCtx({ body: body(content) });
    ctx.headers['cache-control'] = 'no-cache';
    const r = await p.onRequest!(ctx);
    if (!r) {
      // The cache stores only a model's answers: what a deployment produced.
      ctx.deployment = { id: 'bench/mock-gpt', name: 'mock-gpt' } as unknown as Deployment;
      ctx.response = answer;
      await p.onResponse!(ctx);
      ctx.status = 200;
      p.onDone!(ctx);
      await new Promise((res) => setImmediate(res));
    }
    return ctx.responseHeaders['x-gateway-cache']!;
  }

  async function time(label: string, n: number, make: (i: number) => string, expect: string): Promise<void> {
    for (let i = 0; i < 200; i++) await p.onRequest!(fakeCtx({ body: body(make(i + 1e6)) })); // warm-up
    let total = 0;
    for (let i = 0; i < n; i++) {
      const ctx = fakeCtx({ body: body(make(i)) });
      const t = performance.now();
      await p.onRequest!(ctx);
      total += performance.now() - t;
      if (ctx.responseHeaders['x-gateway-cache'] !== expect) throw new Error(`${label}: got ${ctx.responseHeaders['x-gateway-cache']}`);
    }
    console.log(`${label.padEnd(44)} ${((total / n) * 1000).toFixed(1)} µs`);
  }

  try {
    await time('miss, empty scope', 2000, (i) => `unrelated prompt ${i}`, 'miss');
    // Letters, not digits: with exact_numbers, digits would put each prompt in its own scope.
    const tag = (i: number): string => 'abcdefghij'[i % 10]! + 'klmnopqrst'[Math.floor(i / 10) % 10]!;
    for (let i = 0; i < 100; i++) await seed(`tell me a fact about the animal kingdom, case ${tag(i)}`);
    await time('miss, searching 100 rows', 2000, (i) => `what is the best way to cook rice ${i % 2 ? 'quickly' : 'slowly'}`, 'miss');
    await time('exact hit', 2000, () => 'tell me a fact about the animal kingdom, case ak', 'hit');
    await time('semantic hit (100 rows)', 2000, () => 'tell me a fact about the animal kingdom, case ak!', 'hit');
    const conv: ChatRequest = {
      model: 'm',
      messages: Array.from({ length: 20 }, (_, i) => ({
        role: i % 2 ? 'assistant' : 'user',
        content: 'a fairly ordinary turn of conversation, about eighty characters long. '.repeat(2),
      })),
    } as ChatRequest;
    const t = performance.now();
    for (let i = 0; i < 2000; i++) requestKey(conv, 'k:1', { embedding: 'hashed-ngram/256', numbers: /\d+/g });
    console.log(`${'request key, 20 messages × ~140 chars'.padEnd(44)} ${(((performance.now() - t) / 2000) * 1000).toFixed(1)} µs`);
  } finally {
    await p.close?.();
    await env.db.close();
  }
}

if (isMain(import.meta)) await bench();
