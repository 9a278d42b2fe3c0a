import assert from 'node:assert/strict';
import openai from '../../../../../src/plugins-builtin/provider/adapters/openai/index.ts';
import type { ProviderClient, StreamUpstreamResponse, JsonUpstreamResponse } from '../../../../../src/engine/types.ts';
import type { ChatRequest } from '../../../../../src/engine/openai-types.ts';
import { startUpstream, sendJson, startSse, sseBody, callOpts, collect, rejection, sleep, logger, type FakeUpstream } from '../../helpers/upstream.ts';
import { errorSuite, refusedUrl } from '../../helpers/error-suite.ts';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1700000000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, prompt_tokens_details: { cached_tokens: 4 } },
};
const chunk = (delta: object, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = {
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, completion_tokens_details: { reasoning_tokens: 0 } },
};
const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], ...over });

describe('openai adapter', () => {
  let up: FakeUpstream;
  let client: ProviderClient;
  before(async () => {
    up = await startUpstream();
    client = openai.create('oai', { type: 'openai', base_url: `${up.url}/v1`, api_key: 'sk-abc', headers: { 'X-Extra': 'yes' } }, { logger });
  });
  after(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it('posts to {base}/chat/completions with Bearer auth and extra headers; returns body and raw bytes', async () => {
    const text = JSON.stringify(completion, null, 1);
    up.handler = (_q, res) => sendJson(res, 200, text, { 'x-request-id': 'req_up_1' });
    const r = (await client.chat(req(), callOpts())) as JsonUpstreamResponse;
    assert.equal(r.kind, 'json');
    assert.deepEqual(r.body, completion);
    assert.equal(r.raw!.toString(), text);
    assert.equal(r.headers['x-upstream-request-id'], 'req_up_1');
    const rec = up.requests[0]!;
    assert.equal(rec.url, '/v1/chat/completions');
    assert.equal(rec.headers.authorization, 'Bearer sk-abc');
    assert.equal(rec.headers['x-extra'], 'yes');
    assert.deepEqual(rec.json, req());
  });

  it('sends the client bytes untouched when the body would be identical', async () => {
    up.handler = (_q, res) => sendJson(res, 200, completion);
    const raw = Buffer.from('{ "model":"gpt-4o-mini",  "messages":[{"role":"user","content":"Hello"}] }');
    await client.chat(req(), callOpts({ rawBody: raw, requestedModel: 'gpt-4o-mini' }));
    assert.equal(up.requests[0]!.body.toString(), raw.toString());
    await client.chat(req(), callOpts({ rawBody: raw, requestedModel: 'alias' }));
    assert.deepEqual(JSON.parse(up.requests[1]!.body.toString()), req());
  });

  it('streams: asks for include_usage, parses events split across TCP writes, ignores comments, ends on [DONE]', async () => {
    const body = sseBody([
      ': keep-alive\n\n',
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hé' }),
      chunk({ content: ' there' }),
      chunk({}, 'stop'),
      usageChunk,
      'data: [DONE]\n\n',
    ]);
    up.handler = async (_q, res) => {
      startSse(res);
      for (let i = 0; i < body.length; i += 37) {
        res.write(body.slice(i, i + 37));
        await sleep(2);
      }
      res.end();
    };
    const r = (await client.chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
    assert.equal(r.kind, 'stream');
    const events = await collect(r.events);
    assert.deepEqual(up.requests[0]!.json.stream_options, { include_usage: true });
    assert.equal(events.length, 5);
    assert.equal(events.map((e) => e.data.choices[0]?.delta.content ?? '').join(''), 'Hé there');
    assert.deepEqual(events[4]!.data.usage, usageChunk.usage);
    assert.equal(events[1]!.raw, JSON.stringify(chunk({ content: 'Hé' })));
  });

  it('a stream without stream_options: the client bytes, byte for byte, with only include_usage spliced in', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([chunk({ content: 'x' }, 'stop'), usageChunk, 'data: [DONE]\n\n']));
    };
    // Odd spacing, key order and escapes that a re-serialisation would not keep.
    const raw = Buffer.from(' \n{ "stream" : true,"model":"gpt-4o-mini", "messages":[{"role":"user","content":"H\\u00e9llo \\"you\\""}] }\n');
    const body = JSON.parse(raw.toString()) as ChatRequest;
    await collect(((await client.chat(body, callOpts({ rawBody: raw, requestedModel: 'gpt-4o-mini' }))) as StreamUpstreamResponse).events);
    const sent = up.requests[0]!.body.toString();
    const field = '"stream_options":{"include_usage":true},';
    const at = sent.indexOf(field);
    assert.equal(at, raw.indexOf('{') + 1, 'right after the opening brace');
    assert.equal(sent.slice(0, at) + sent.slice(at + field.length), raw.toString(), 'every other byte is the client’s');
    assert.deepEqual(JSON.parse(sent), { ...body, stream_options: { include_usage: true } });
  });

  it('a stream whose stream_options lacks include_usage is serialised again, keeping its other options', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([chunk({ content: 'x' }, 'stop'), usageChunk, 'data: [DONE]\n\n']));
    };
    for (const stream_options of [{ include_obfuscation: false }, null]) {
      const body = req({ stream: true, stream_options: stream_options as ChatRequest['stream_options'] });
      const raw = Buffer.from(JSON.stringify(body));
      await collect(((await client.chat(body, callOpts({ rawBody: raw, requestedModel: 'gpt-4o-mini' }))) as StreamUpstreamResponse).events);
      assert.deepEqual(up.requests.at(-1)!.json, { ...body, stream_options: { ...stream_options, include_usage: true } });
    }
  });

  it('does not add stream_options when options.stream_usage is false', async () => {
    const c = openai.create('o2', { type: 'openai', base_url: up.url, options: { stream_usage: false } }, { logger });
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([chunk({ content: 'x' }, 'stop'), 'data: [DONE]\n\n']));
    };
    const raw = Buffer.from(JSON.stringify(req({ stream: true })));
    const r = (await c.chat(req({ stream: true }), callOpts({ rawBody: raw, requestedModel: 'gpt-4o-mini' }))) as StreamUpstreamResponse;
    await collect(r.events);
    assert.equal(up.requests[0]!.body.toString(), raw.toString());
    assert.equal(up.requests[0]!.headers.authorization, undefined);
    await c.close();
  });

  it('a stream cut mid-answer → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([chunk({ content: 'Hel' })]));
    };
    const r = (await client.chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
    const e = await rejection(collect(r.events));
    assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });

  it('a stream cut mid-event → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([chunk({ content: 'Hel' })]) + 'data: {"id":"c1","obj');
    };
    const r = (await client.chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
  });

  it('an error event inside the stream → mapped GatewayError', async () => {
    up.handler = (_q, res) => {
      startSse(res);
      res.end(sseBody([chunk({ content: 'a' }), { error: { message: 'The server is overloaded', type: 'server_error' } }]));
    };
    const r = (await client.chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
    assert.equal((await rejection(collect(r.events))).code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
  });

  it('idle timeout between chunks → GW_ERR_UPSTREAM_TIMEOUT naming idle', async () => {
    // undici's body timer ticks at ~1 s granularity, hence the long stall.
    up.handler = async (_q, res) => {
      startSse(res);
      res.write(sseBody([chunk({ content: 'a' })]));
      await sleep(2500);
      res.end();
    };
    const r = (await client.chat(req({ stream: true }), callOpts({ timeouts: { idle_ms: 100 } }))) as StreamUpstreamResponse;
    const e = await rejection(collect(r.events));
    assert.equal(e.code, 'GW_ERR_UPSTREAM_TIMEOUT');
    assert.match(e.message, /idle timeout: 100 ms/);
  });

  it('total timeout covers a trickling stream', async () => {
    up.handler = async (_q, res) => {
      startSse(res);
      for (let i = 0; i < 20 && !res.destroyed; i++) {
        res.write(sseBody([chunk({ content: 'a' })]));
        await sleep(30);
      }
      res.end();
    };
    const r = (await client.chat(req({ stream: true }), callOpts({ timeouts: { total_ms: 150 } }))) as StreamUpstreamResponse;
    const e = await rejection(collect(r.events));
    assert.equal(e.code, 'GW_ERR_UPSTREAM_TIMEOUT');
    assert.match(e.message, /total timeout/);
  });

  it('breaking out of the stream aborts the upstream request at once', async () => {
    let written = 0;
    up.handler = async (_q, res) => {
      startSse(res);
      while (!res.destroyed && written < 200) {
        res.write(sseBody([chunk({ content: 'tok ' })]));
        written++;
        await sleep(5);
      }
      res.end();
    };
    const closed = up.closed();
    const r = (await client.chat(req({ stream: true }), callOpts())) as StreamUpstreamResponse;
    let n = 0;
    for await (const _ of r.events) if (++n === 3) break;
    await closed;
    assert.ok(written < 200, `upstream kept writing (${written})`);
  });

  it('call.signal aborting mid-stream → GW_ERR_CLIENT_CLOSED and the socket closes', async () => {
    up.handler = async (_q, res) => {
      startSse(res);
      while (!res.destroyed) {
        res.write(sseBody([chunk({ content: 'tok ' })]));
        await sleep(5);
      }
    };
    const ac = new AbortController();
    const closed = up.closed();
    const r = (await client.chat(req({ stream: true }), callOpts({ signal: ac.signal }))) as StreamUpstreamResponse;
    const it = r.events[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    const e = await rejection(
      (async () => {
        for (;;) {
          const x = await it.next();
          if (x.done) return;
        }
      })(),
    );
    assert.equal(e.code, 'GW_ERR_CLIENT_CLOSED');
    await closed;
  });

  it('embeddings: POST {base}/embeddings', async () => {
    const emb = {
      object: 'list',
      model: 'text-embedding-3-small',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    };
    up.handler = (_q, res) => sendJson(res, 200, emb);
    const r = (await client.embeddings!({ model: 'text-embedding-3-small', input: 'hi' }, callOpts())) as JsonUpstreamResponse;
    assert.deepEqual(r.body, emb);
    assert.equal(up.requests[0]!.url, '/v1/embeddings');
  });

  it('connection refused → GW_ERR_UPSTREAM_UNAVAILABLE', async () => {
    const c = openai.create('dead', { type: 'openai', base_url: await refusedUrl() }, { logger });
    const e = await rejection(c.chat(req(), callOpts()));
    assert.equal(e.code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
    assert.match(e.message, /ECONNREFUSED/);
    await c.close();
  });
});

errorSuite('openai', {
  client: (url, key) => openai.create('oai', { type: 'openai', base_url: url, api_key: key }, { logger }),
  call: (c, signal, timeouts) => c.chat(req(), callOpts({ ...(signal ? { signal } : {}), timeouts })),
  errorBody: (_s, message, code) => ({ error: { message, type: 'invalid_request_error', param: null, code: code ?? null } }),
});
