/**
 * Streams pass through untouched unless a plugin acts on them: the client gets the
 * upstream's bytes, not a re-serialisation. The upstream here writes JSON no serialiser
 * would (spaces, escaped characters, `1.0`, keys out of the usual order), so any parse and
 * stringify on the way shows. content-filter with request-side rules only and
 * semantic-cache with store_streams: false register no stream hook at all; plugins that do
 * look at streams without changing them (a log rule, a cache storing the answer) keep the
 * bytes too.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import contentFilter from '../../../src/plugins-builtin/content-filter/index.ts';
import semanticCache from '../../../src/plugins-builtin/semantic-cache/index.ts';
import { fakeEnv, cleanup } from '../../plugins/auth/fake.ts';
import type { ContentFilterConfig } from '../../../src/plugins-builtin/content-filter/index.ts';
import type { SemanticCacheConfig } from '../../../src/plugins-builtin/semantic-cache/index.ts';

const chunk = (body: string) => `data: ${body}\n\n`;
/** Valid OpenAI chunks, written the way no JSON.stringify would write them. */
const EVENTS = [
  '{"id":"chatcmpl-raw","object":"chat.completion.chunk","created":1700000000,"model":"up","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}',
  '{ "id": "chatcmpl-raw", "object": "chat.completion.chunk", "created": 1700000000, "model": "up", "choices": [ { "index": 0, "delta": { "content": "Caf\\u00e9 " }, "finish_reason": null } ], "usage": null }',
  '{"choices":[{"delta":{"content":"au lait \\ud83d\\ude00"},"index":0,"finish_reason":null}],"id":"chatcmpl-raw","object":"chat.completion.chunk","created":1700000000,"model":"up","usage":null}',
  '{"id":"chatcmpl-raw","object":"chat.completion.chunk","created":1700000000,"model":"up","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null,"x_score":1.0}',
];
const USAGE =
  '{"id":"chatcmpl-raw","object":"chat.completion.chunk","created":1700000000,"model":"up","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}';
const DONE = 'data: [DONE]\n\n';

/** An OpenAI-wire upstream writing EVENTS (and USAGE when asked for), recording what it wrote. */
async function startRawUpstream(): Promise<{ url: string; written: string[]; close(): Promise<void> }> {
  const written: string[] = [];
  const server = http.createServer(async (req, res) => {
    let text = '';
    for await (const c of req) text += c;
    const body = JSON.parse(text) as { stream_options?: { include_usage?: boolean } };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let out = EVENTS.map(chunk).join('');
    if (body.stream_options?.include_usage) out += chunk(USAGE);
    out += DONE;
    written.push(out);
    // Split mid-event, as TCP may: the gateway must reassemble, then still write the original text.
    res.write(out.slice(0, 37));
    await new Promise((r) => setTimeout(r, 5));
    res.end(out.slice(37));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    written,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const ask = async (url: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Coffee?' }], ...extra }),
  });
  assert.equal(r.status, 200);
  return r.text();
};

const config = (upstream: string, plugins: string) => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { up: { type: openai, base_url: "${upstream}/v1", api_key: test } }
models: [ { name: m, provider: up, model: up } ]
pipeline:
  - use: metrics
  - use: validation
${plugins}
  - use: provider
`;

const QUIET = `  - use: content-filter
    config: { rules: [ { name: secrets, pii: [secret], action: block, direction: request } ] }
  - use: semantic-cache
    config: { semantic: false, store_streams: false }`;

const WATCHING = `  - use: content-filter
    config: { rules: [ { name: mail, pii: [email], action: log, direction: response } ] }
  - use: semantic-cache
    config: { semantic: false }`;

describe('streams pass through untouched', () => {
  let up: Awaited<ReturnType<typeof startRawUpstream>>;
  before(async () => {
    up = await startRawUpstream();
  });
  after(async () => {
    await up.close();
  });

  for (const [name, plugins] of [
    ['core pipeline', ''],
    ['content-filter and semantic-cache not acting on streams', QUIET],
    ['content-filter (log rule) and semantic-cache (storing) watching the stream', WATCHING],
  ] as const) {
    describe(name, () => {
      let gw: TestGateway;
      before(async () => {
        gw = await startTestGateway(config(up.url, plugins));
      });
      after(async () => {
        await gw.stop();
      });

      it('a client asking for usage gets exactly the bytes the upstream wrote', async () => {
        const got = await ask(gw.url, { stream_options: { include_usage: true } });
        assert.equal(got, up.written.at(-1));
      });

      it('a client not asking for usage gets them less the usage event the gateway asked for', async () => {
        const got = await ask(gw.url, { messages: [{ role: 'user', content: 'Tea?' }] });
        const sent = up.written.at(-1)!;
        assert.ok(sent.includes(USAGE), 'the gateway asked the upstream for usage');
        assert.equal(got, sent.replace(chunk(USAGE), ''));
      });
    });
  }
});

describe('stream hooks are registered only by plugins that act on streams', () => {
  const env = fakeEnv('memory');
  after(() => cleanup(env));
  const cf = (rules: ContentFilterConfig['rules']) => contentFilter.create({ rules, max_scan_chars: 1000, over_limit: 'block', stream_window_chars: 64 }, env);
  const cache = (store_streams: boolean) =>
    semanticCache.create(
      {
        similarity_threshold: 0.95,
        semantic: false,
        embedder: 'hashed-ngram',
        dims: 64,
        partition_by: 'none',
        ttl_seconds: 60,
        max_entries: 10,
        max_entries_per_scope: 10,
        max_temperature: 1,
        exact_numbers: true,
        lookup_timeout_ms: 100,
        store_streams,
      } satisfies SemanticCacheConfig,
      { ...env, config: { pipeline: [{ use: 'semantic-cache' }] } as never },
    );

  it('content-filter: only with a rule on answers (of chat or messages)', async () => {
    const requestOnly = await cf([{ name: 'a', action: 'block', direction: 'request', keywords: ['x'] } as never]);
    assert.equal(requestOnly.onStreamChunk, undefined);
    assert.equal(requestOnly.onResponse, undefined);
    const embeddingsOnly = await cf([{ name: 'b', action: 'block', direction: 'both', keywords: ['x'], endpoints: ['embeddings'] } as never]);
    assert.equal(embeddingsOnly.onStreamChunk, undefined, 'embeddings answers have no text');
    const answers = await cf([{ name: 'c', action: 'redact', direction: 'response', keywords: ['x'] } as never]);
    assert.equal(typeof answers.onStreamChunk, 'function');
  });

  it('semantic-cache: only when it stores streamed answers', async () => {
    assert.equal((await cache(false)).onStreamChunk, undefined);
    assert.equal(typeof (await cache(true)).onStreamChunk, 'function');
  });
});
