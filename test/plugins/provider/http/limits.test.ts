/**
 * Bounds on upstream answers (issue #9.9): a provider that sends more than
 * `options.max_response_bytes` — as one body, as a stream, or as an error body — costs the
 * gateway at most that many bytes: the request fails with GW_ERR_BAD_UPSTREAM_RESPONSE and
 * the upstream connection is dropped, instead of the process buffering the lot.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import openai from '../../../../src/plugins-builtin/provider/adapters/openai/index.ts';
import gemini from '../../../../src/plugins-builtin/provider/adapters/gemini/index.ts';
import type { ProviderClient, StreamUpstreamResponse } from '../../../../src/engine/types.ts';
import { startUpstream, startSse, callOpts, collect, rejection, logger, type FakeUpstream } from '../helpers/upstream.ts';
import { startTestGateway, postJson, type TestGateway } from '../../../helpers/gateway.ts';

const LIMIT = 64 * 1024;
const chat = (stream = false) => ({ model: 'm', stream, messages: [{ role: 'user' as const, content: 'hi' }] });

/** Writes `piece` until the peer goes away (never ends by itself); resolves with the bytes written. */
function endless(res: ServerResponse, piece: string): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    res.on('close', () => resolve(written));
    const pump = () => {
      while (!res.destroyed) {
        written += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
    };
    pump();
  });
}

describe('upstream answers are bounded by max_response_bytes', () => {
  let up: FakeUpstream;
  let client: ProviderClient;
  let upstreamWrote: Promise<number>;
  before(async () => {
    up = await startUpstream();
    client = openai.create('oai', { type: 'openai', base_url: `${up.url}/v1`, api_key: 'k', options: { max_response_bytes: LIMIT } }, { logger });
  });
  after(async () => {
    await client.close();
    await up.close();
  });

  it('a JSON body that never ends: 502 bad_upstream_response, and the upstream connection is dropped', async () => {
    up.handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      upstreamWrote = endless(res, '{"pad":"' + 'x'.repeat(8 * 1024) + '",');
    };
    const e = await rejection(client.chat(chat(), callOpts()));
    assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
    assert.match(e.message, /larger than max_response_bytes \(65536 bytes\)/);
    assert.equal(e.status, 502);
    // The upstream saw its response closed: the gateway stopped reading (it would never end).
    const wrote = await upstreamWrote;
    assert.ok(wrote > LIMIT, `upstream wrote ${wrote}`);
  });

  it('an announced content-length above the limit is refused before reading the body', async () => {
    up.handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMIT * 100) });
      upstreamWrote = endless(res, 'y'.repeat(4096));
    };
    const e = await rejection(client.chat(chat(), callOpts()));
    assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
    await upstreamWrote;
  });

  it('a body just under the limit is accepted', async () => {
    const content = 'z'.repeat(LIMIT - 400);
    up.handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        }),
      );
    };
    const r = await client.chat(chat(), callOpts());
    assert.equal(r.kind, 'json');
  });

  it('a stream counts bytes over the whole stream: an endless stream of small valid events fails mid-way and is aborted', async () => {
    const event = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'tok ' }, finish_reason: null }] })}\n\n`;
    up.handler = (_q, res) => {
      startSse(res);
      upstreamWrote = endless(res, event);
    };
    const r = (await client.chat(chat(true), callOpts())) as StreamUpstreamResponse;
    let events = 0;
    const e = await rejection(
      (async () => {
        for await (const _ of r.events) events++;
      })(),
    );
    assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
    assert.match(e.message, /max_response_bytes/);
    // Every event under the limit was delivered; none beyond it.
    assert.ok(events > 0 && events * event.length <= LIMIT, `${events} events`);
    await upstreamWrote;
  });

  it('an error body is read only as far as a message needs, then dropped', async () => {
    up.handler = (_q, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      upstreamWrote = endless(res, 'e'.repeat(16 * 1024));
    };
    const e = await rejection(client.chat(chat(), callOpts()));
    assert.equal(e.code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
    await upstreamWrote;
  });

  it('native adapters are bounded too (gemini, streamed)', async () => {
    const g = gemini.create('g', { type: 'gemini', base_url: up.url, api_key: 'k', options: { max_response_bytes: LIMIT } }, { logger });
    const part = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'tok ' }] }, index: 0 }] })}\r\n\r\n`;
    up.handler = (_q, res) => {
      startSse(res);
      upstreamWrote = endless(res, part);
    };
    try {
      const r = (await g.chat(chat(true), callOpts())) as StreamUpstreamResponse;
      const e = await rejection(collect(r.events));
      assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
      await upstreamWrote;
    } finally {
      await g.close();
    }
  });
});

describe('max_response_bytes through the gateway', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  before(async () => {
    up = await startUpstream();
    gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { big: { type: openai, base_url: "${up.url}/v1", api_key: k, retry: { attempts: 1 }, options: { max_response_bytes: ${LIMIT} } } }
models: [ { name: m, provider: big, model: m } ]
pipeline: [ { use: provider } ]
`);
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  it('the client gets 502 bad_upstream_response (OpenAI error shape)', async () => {
    let wrote: Promise<number> = Promise.resolve(0);
    up.handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      wrote = endless(res, 'x'.repeat(8192));
    };
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat());
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'bad_upstream_response');
    assert.match(r.json.error.message, /max_response_bytes/);
    await wrote;
  });

  it('a too-large stream ends with an error event, never [DONE]', async () => {
    const event = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'a ' }, finish_reason: null }] })}\n\n`;
    up.handler = (_q, res) => {
      startSse(res);
      void endless(res, event);
    };
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat(true)),
    });
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.ok(!text.includes('[DONE]'));
    const last = text.trim().split('\n\n').pop()!;
    assert.equal(JSON.parse(last.slice('data: '.length)).error.code, 'bad_upstream_response');
  });

  it('the option is checked at load: below 1024 is an error located in the file', async () => {
    const { startupError } = await import('../../../helpers/gateway.ts');
    const msg = await startupError(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { big: { type: openai, base_url: "http://127.0.0.1:9/v1", options: { max_response_bytes: 10 } } }
models: [ { name: m, provider: big, model: m } ]
pipeline: [ { use: provider } ]
`);
    assert.match(msg, /providers\.big\.options\.max_response_bytes: must be >= 1024/);
  });
});
