import assert from 'node:assert/strict';
import { requestKey, stableJson, type KeyOptions } from '../../../src/plugins-builtin/semantic-cache/request-key.ts';
import { ScopeIndex } from '../../../src/plugins-builtin/semantic-cache/scope-index.ts';
import { createMemoryStore } from '../../../src/plugins-builtin/semantic-cache/memory-store.ts';
import { storable, StreamAssembly, replayStream } from '../../../src/plugins-builtin/semantic-cache/replay.ts';
import { partitionOf } from '../../../src/plugins-builtin/semantic-cache/partition.ts';
import { createSearcher, INLINE_MAX_WORK } from '../../../src/plugins-builtin/semantic-cache/search.ts';
import { embedderFor } from '../../../src/engine/embedding/embedder.ts';
import { createWorkerPool } from '../../../src/engine/workers/pool.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../../../src/engine/openai-types.ts';
import { fakeCtx } from '../auth/fake.ts';

const opts: KeyOptions = { embedding: 'hashed-ngram/256', numbers: /\d+(?:[.,]\d+)*/g };
const req = (extra: Partial<ChatRequest> = {}, content: unknown = 'hello'): ChatRequest =>
  ({ model: 'm', messages: [{ role: 'user', content }], ...extra }) as ChatRequest;
const vec = (...xs: number[]): Float32Array => {
  const v = new Float32Array(xs);
  const n = Math.hypot(...xs) || 1;
  return v.map((x) => x / n);
};

describe('semantic-cache: request key', () => {
  it('is stable under key order, null parameters and neutral fields', () => {
    const a = requestKey(req({ temperature: 0 }), 'k:1', opts);
    const b = requestKey(
      {
        temperature: 0,
        top_p: null,
        stream: true,
        stream_options: { include_usage: true },
        user: 'u',
        messages: [{ content: 'hello', role: 'user' }],
        model: 'm',
      } as ChatRequest,
      'k:1',
      opts,
    );
    assert.deepEqual(a, b);
    assert.equal(a.text, 'hello');
    assert.equal(stableJson({ b: 1, a: [null, { d: null, c: 2 }] }), '{"a":[null,{"c":2}],"b":1}');
  });

  it('parameters, model, partition, history and numbers change the scope; the last message only the key', () => {
    const base = requestKey(req(), 'k:1', opts);
    for (const other of [
      requestKey(req({ model: 'other' }), 'k:1', opts),
      requestKey(req({ max_tokens: 5 }), 'k:1', opts),
      requestKey(req({ tools: [{ type: 'function', function: { name: 'f' } }] }), 'k:1', opts),
      requestKey(req({ response_format: { type: 'json_object' } }), 'k:1', opts),
      requestKey(req({ some_new_param: 1 }), 'k:1', opts),
      requestKey(req(), 'k:2', opts),
      requestKey(req(), 'k:1', { ...opts, embedding: 'hashed-ngram/512' }),
      requestKey(
        {
          model: 'm',
          messages: [
            { role: 'system', content: 'be brief' },
            { role: 'user', content: 'hello' },
          ],
        },
        'k:1',
        opts,
      ),
      requestKey(req({}, 'hello 2'), 'k:1', opts),
    ])
      assert.notEqual(other.scope, base.scope);
    const reworded = requestKey(req({}, 'hello!'), 'k:1', opts);
    assert.equal(reworded.scope, base.scope);
    assert.notEqual(reworded.key, base.key);
    assert.equal(requestKey(req({}, 'hello 2'), 'k:1', { ...opts, numbers: null }).scope, base.scope, 'exact_numbers off');
  });

  it('semantic text only for a text-only last user message', () => {
    assert.equal(
      requestKey(
        req({}, [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ]),
        '-',
        opts,
      ).text,
      'a\nb',
    );
    assert.equal(
      requestKey(
        req({}, [
          { type: 'text', text: 'a' },
          { type: 'image_url', image_url: { url: 'data:x' } },
        ]),
        '-',
        opts,
      ).text,
      undefined,
    );
    assert.equal(
      requestKey(
        {
          model: 'm',
          messages: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: 'a' },
          ],
        },
        '-',
        opts,
      ).text,
      undefined,
    );
  });
});

describe('semantic-cache: partitions', () => {
  const ctx = (p?: { userId?: string; teamId?: string }) => {
    const c = fakeCtx();
    if (p) c.principal = { keyId: 'key1', keyPrefix: 'gw-x', ...p };
    return c;
  };
  it('key by default; user and team fall back to narrower partitions, never wider', () => {
    assert.equal(partitionOf(ctx({ userId: 'u', teamId: 't' }), 'key'), 'k:key1');
    assert.equal(partitionOf(ctx({ userId: 'u', teamId: 't' }), 'team'), 't:t');
    assert.equal(partitionOf(ctx({ userId: 'u' }), 'team'), 'u:u');
    assert.equal(partitionOf(ctx({}), 'user'), 'k:key1');
    assert.equal(partitionOf(ctx(), 'key'), '-');
    assert.equal(partitionOf(ctx({ userId: 'u' }), 'none'), '*');
  });
});

describe('semantic-cache: scope index and memory store', () => {
  it('rows: swap-removal keeps keys and rows aligned; the cap drops the oldest; growth keeps rows', () => {
    const idx = new ScopeIndex(2, 1);
    idx.add('a', vec(1, 0), 10);
    idx.add('b', vec(0, 1), 10);
    idx.add('c', vec(1, 1), 10);
    idx.remove('a');
    assert.deepEqual([...idx.keys].sort(), ['b', 'c']);
    assert.equal(idx.keys[idx.nearest(vec(0, 1)).index], 'b');
    assert.ok(Math.abs(idx.similarityOf('c', vec(1, 1))! - 1) < 1e-6);
    assert.equal(idx.add('d', vec(1, 0), 2), 1, 'one dropped');
    assert.equal(idx.has('b'), false, 'b was the oldest left');
    assert.equal(idx.similarityOf('b', vec(0, 1)), undefined);
  });

  it('memory: LRU eviction and expiry remove the entry and its vector', async () => {
    let now = 0;
    const s = createMemoryStore({ maxEntries: 2, perScope: 10, ttlMs: 1000, now: () => now });
    await s.put('k1', 'sc', '"one"', vec(1, 0));
    await s.put('k2', 'sc', '"two"', vec(0, 1));
    assert.equal((await s.lookup('k1', 'sc', true)).exact, '"one"'); // k1 now most recent
    await s.put('k3', 'sc', '"three"', vec(1, 1));
    assert.equal((await s.lookup('k2', 'sc', true)).exact, undefined, 'k2 was least recently used');
    const idx = (await s.lookup('nope', 'sc', true)).index!;
    assert.deepEqual([...idx.keys].sort(), ['k1', 'k3']);
    now = 1000;
    assert.equal(await s.get('k1', 'sc'), undefined);
    assert.deepEqual([...idx.keys], ['k3']);
  });
});

describe('semantic-cache: what is stored and how it is replayed', () => {
  const completion = (finish: string, message: Record<string, unknown> = { role: 'assistant', content: 'hi' }) => ({
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    ({ id: 'c', object: 'chat.completion.chunk', created: 2, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] }) as ChatCompletionChunk;

  it('stores only complete text answers', () => {
    assert.equal(storable(completion('stop')), true);
    assert.equal(storable(completion('length')), false);
    assert.equal(storable(completion('content_filter')), false);
    assert.equal(
      storable(
        completion('tool_calls', { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }),
      ),
      false,
    );
    assert.equal(storable({ choices: [] }), false);
  });

  it('assembles a stream; tool calls or truncation make it unstorable', () => {
    const ok = new StreamAssembly();
    for (const c of [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo', refusal: null }), chunk({}, 'stop')])
      ok.add(c);
    const c = ok.completion({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 })!;
    assert.equal(c.choices[0]!.message.content, 'Hello');
    assert.equal(c.usage!.total_tokens, 5);
    const tool = new StreamAssembly();
    tool.add(chunk({ tool_calls: [{ index: 0, id: 't', function: { name: 'f', arguments: '' } }] }));
    tool.add(chunk({}, 'stop'));
    assert.equal(tool.completion(undefined), undefined);
    const cut = new StreamAssembly();
    cut.add(chunk({ content: 'Hel' }));
    assert.equal(cut.completion(undefined), undefined, 'no finish');
    cut.add(chunk({}, 'length'));
    assert.equal(cut.completion(undefined), undefined);
  });

  it('replays a completion as role+text, finish, then usage chunks', async () => {
    const events = [];
    for await (const e of replayStream(completion('stop') as ChatCompletion).events) events.push(e.data);
    assert.deepEqual(
      events.map((e) => [e.choices[0]?.delta.content ?? null, e.choices[0]?.finish_reason ?? null, e.usage?.total_tokens ?? null]),
      [
        ['hi', null, null],
        [null, 'stop', null],
        [null, null, 2],
      ],
    );
  });
});

describe('semantic-cache: search in the worker pool', function () {
  this.timeout(20_000);
  const pool = createWorkerPool({ maxThreads: 1 });
  after(() => pool.close());
  const e = embedderFor('hashed-ngram', 256);
  const prompts = Array.from({ length: 400 }, (_, i) => `question number ${i} about topic ${i % 37} and detail ${i * 7}`);

  it('a large scope is searched in a worker with the same answer as inline', async () => {
    const idx = new ScopeIndex(256);
    prompts.forEach((p, i) => idx.add(`k${i}`, e.embed(p), 1000));
    assert.ok(idx.size * 256 > INLINE_MAX_WORK, 'the test must take the worker path');
    const inline = createSearcher('hashed-ngram', 256, undefined);
    const worker = createSearcher('hashed-ngram', 256, pool);
    for (const q of ['question number 123 about topic 12 and detail 861', 'question number 7 about topic 7']) {
      const a = await inline.nearest(q, idx);
      const b = await worker.nearest(q, idx);
      assert.equal(b.key, a.key);
      assert.ok(Math.abs(b.similarity - a.similarity) < 1e-5);
      assert.deepEqual([...b.query], [...a.query]);
    }
  });

  it('a row removed while the worker searched is not trusted', async () => {
    const idx = new ScopeIndex(256);
    prompts.forEach((p, i) => idx.add(`k${i}`, e.embed(p), 1000));
    const pending = createSearcher('hashed-ngram', 256, pool).nearest(prompts[5]!, idx);
    idx.remove('k5');
    const r = await pending;
    assert.ok(r.key !== 'k5' || r.similarity === -1, `${r.key} ${r.similarity}`);
  });
});
