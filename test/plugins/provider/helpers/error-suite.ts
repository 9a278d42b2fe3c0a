/**
 * The upstream error taxonomy, run against one adapter over a real socket: every error
 * class of issue #3, with the provider's own documented error body shape.
 */
import assert from 'node:assert/strict';
import type { ProviderClient } from '../../../../src/engine/types.ts';
import { startUpstream, sendJson, callOpts, rejection, sleep, type FakeUpstream } from './upstream.ts';

export interface ErrorSuiteSpec {
  /** Build the client against the fake upstream's URL; the key is a secret the upstream echoes. */
  client(url: string, apiKey: string): ProviderClient;
  /** Make one (non-streamed) call. */
  call(c: ProviderClient, signal?: AbortSignal, timeouts?: Record<string, number>): Promise<unknown>;
  /** The provider's error body for a status and message. */
  errorBody(status: number, message: string, code?: string): unknown;
}

export function errorSuite(name: string, spec: ErrorSuiteSpec): void {
  describe(`${name}: upstream error taxonomy`, () => {
    const KEY = 'sk-test-SECRETSECRETSECRET-0123456789';
    let up: FakeUpstream;
    let client: ProviderClient;
    before(async () => {
      up = await startUpstream();
      client = spec.client(up.url, KEY);
    });
    after(async () => {
      await client.close();
      await up.close();
    });

    const answer = (status: number, message: string, code?: string, headers: Record<string, string> = {}) => {
      up.handler = (_q, res) => sendJson(res, status, spec.errorBody(status, message, code), headers);
    };
    const fails = async () => rejection(spec.call(client));

    it('400 → GW_ERR_PROVIDER_BAD_REQUEST keeping the message without secrets', async () => {
      answer(400, `Invalid value for temperature; your key ${KEY} was used`);
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_PROVIDER_BAD_REQUEST');
      assert.equal(e.upstreamStatus, 400);
      assert.match(e.message, /Invalid value for temperature/);
      assert.ok(!e.message.includes('SECRETSECRET'), e.message);
    });
    it('422 → GW_ERR_PROVIDER_BAD_REQUEST', async () => {
      answer(422, 'unprocessable input');
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_PROVIDER_BAD_REQUEST');
      assert.equal(e.upstreamStatus, 422);
    });
    it('400 context length → GW_ERR_CONTEXT_LENGTH_EXCEEDED', async () => {
      answer(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", 'context_length_exceeded');
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_CONTEXT_LENGTH_EXCEEDED');
      assert.equal(e.status, 400);
    });
    it('413 prompt too long → GW_ERR_CONTEXT_LENGTH_EXCEEDED', async () => {
      answer(413, 'prompt is too long: 208310 tokens > 200000 maximum');
      assert.equal((await fails()).code, 'GW_ERR_CONTEXT_LENGTH_EXCEEDED');
    });
    it('content policy → GW_ERR_PROVIDER_CONTENT_POLICY', async () => {
      answer(400, 'The response was filtered due to the prompt triggering the content management policy.', 'content_filter');
      assert.equal((await fails()).code, 'GW_ERR_PROVIDER_CONTENT_POLICY');
    });
    for (const status of [401, 403]) {
      it(`${status} echoing the key → GW_ERR_PROVIDER_AUTH with no provider text`, async () => {
        answer(status, `Incorrect API key provided: ${KEY}. Key prefix ${KEY.slice(0, 10)}`);
        const e = await fails();
        assert.equal(e.code, 'GW_ERR_PROVIDER_AUTH');
        assert.equal(e.upstreamStatus, status);
        const seen = JSON.stringify([e.message, e.toOpenAI(), e.toAnthropic()]);
        assert.ok(!seen.includes('SECRET') && !seen.includes(KEY.slice(0, 10)), seen);
      });
    }
    it('404 → GW_ERR_PROVIDER_NOT_FOUND', async () => {
      answer(404, 'The model `nope` does not exist');
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_PROVIDER_NOT_FOUND');
      assert.equal(e.upstreamStatus, 404);
    });
    it('408 → GW_ERR_UPSTREAM_TIMEOUT', async () => {
      answer(408, 'request timeout');
      assert.equal((await fails()).code, 'GW_ERR_UPSTREAM_TIMEOUT');
    });
    it('409 → GW_ERR_PROVIDER_CONFLICT', async () => {
      answer(409, 'conflict');
      assert.equal((await fails()).code, 'GW_ERR_PROVIDER_CONFLICT');
    });
    it('429 → GW_ERR_PROVIDER_RATE_LIMITED with retryAfter from retry-after', async () => {
      answer(429, 'Rate limit reached', 'rate_limit_exceeded', { 'retry-after': '7' });
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_PROVIDER_RATE_LIMITED');
      assert.equal(e.retryAfter, 7);
      assert.equal(e.upstreamStatus, 429);
    });
    it('429 → retryAfter from retry-after-ms (rounded up)', async () => {
      answer(429, 'slow down', undefined, { 'retry-after-ms': '1500', 'retry-after': '30' });
      assert.equal((await fails()).retryAfter, 2);
    });
    for (const status of [500, 502, 503, 529]) {
      it(`${status} → GW_ERR_UPSTREAM_UNAVAILABLE`, async () => {
        answer(status, 'Overloaded');
        const e = await fails();
        assert.equal(e.code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
        assert.equal(e.upstreamStatus, status);
      });
    }
    it('malformed JSON body → GW_ERR_BAD_UPSTREAM_RESPONSE', async () => {
      up.handler = (_q, res) => sendJson(res, 200, '{"id": "x", "choices": [');
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_BAD_UPSTREAM_RESPONSE');
      assert.equal(e.upstreamStatus, 200);
    });
    it('connection reset → GW_ERR_UPSTREAM_UNAVAILABLE', async () => {
      up.handler = (req) => {
        req.socket.destroy();
      };
      const e = await fails();
      assert.equal(e.code, 'GW_ERR_UPSTREAM_UNAVAILABLE');
      assert.equal(e.upstreamStatus, 0);
    });
    it('first-byte timeout → GW_ERR_UPSTREAM_TIMEOUT naming it', async () => {
      // undici's header/body timers tick at ~1 s granularity, hence the long server delay.
      up.handler = async (_q, res) => {
        await sleep(2500);
        if (!res.destroyed) sendJson(res, 200, {});
      };
      const e = await rejection(spec.call(client, undefined, { first_byte_ms: 100 }));
      assert.equal(e.code, 'GW_ERR_UPSTREAM_TIMEOUT');
      assert.match(e.message, /first_byte timeout: 100 ms/);
    });
    it('total timeout → GW_ERR_UPSTREAM_TIMEOUT naming it', async () => {
      up.handler = async (_q, res) => {
        await sleep(400);
        sendJson(res, 200, {});
      };
      const e = await rejection(spec.call(client, undefined, { total_ms: 80 }));
      assert.equal(e.code, 'GW_ERR_UPSTREAM_TIMEOUT');
      assert.match(e.message, /total timeout: 80 ms/);
    });
    it('client abort → GW_ERR_CLIENT_CLOSED and the upstream socket is closed', async () => {
      up.handler = async () => {
        /* never answers */
      };
      const ac = new AbortController();
      const closed = up.closed();
      const p = rejection(spec.call(client, ac.signal));
      await sleep(50);
      ac.abort();
      assert.equal((await p).code, 'GW_ERR_CLIENT_CLOSED');
      await closed;
    });
  });
}

/** A refused connection: a port nothing listens on. */
export async function refusedUrl(): Promise<string> {
  const up = await startUpstream();
  const url = up.url;
  await up.close();
  return url;
}

export { callOpts };
