/**
 * The upstream pool (issue #12): an HTTP/1.1 stream holds its connection for the whole
 * answer, so a capped pool silently queues every stream beyond the cap. By default the
 * pool is not capped; `connections` still sets a cap, and the time requests wait for a
 * connection is the gateway_upstream_pool_wait_seconds histogram.
 */
import assert from 'node:assert/strict';
import openai from '../../../../src/plugins-builtin/provider/adapters/openai/index.ts';
import { MetricsRegistry } from '../../../../src/engine/metrics.ts';
import type { StreamUpstreamResponse } from '../../../../src/engine/types.ts';
import { startUpstream, startSse, callOpts, logger, sleep, type FakeUpstream } from '../helpers/upstream.ts';
import { startTestGateway, postJson } from '../../../helpers/gateway.ts';

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const streamReq = { model: 'm', stream: true, messages: [{ role: 'user' as const, content: 'hi' }] };

/** An upstream whose streams send one event, then hold until `release()`. */
async function holdingUpstream(): Promise<FakeUpstream & { release(): void; open: number }> {
  const up = await startUpstream();
  let waiters: Array<() => void> = [];
  const held = Object.assign(up, {
    open: 0,
    release() {
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
    },
  });
  up.handler = async (_q, res) => {
    startSse(res);
    res.write(chunk('first'));
    held.open++;
    await new Promise<void>((r) => waiters.push(r));
    res.end(chunk('', 'stop') + 'data: [DONE]\n\n');
  };
  return held;
}

describe('upstream connection pool', () => {
  it('is not capped by default: 300 concurrent open streams all get their first event', async function () {
    this.timeout(30_000);
    const up = await holdingUpstream();
    const client = openai.create('p', { type: 'openai', base_url: `${up.url}/v1`, api_key: 'k' }, { logger });
    try {
      const firsts = await Promise.all(
        Array.from({ length: 300 }, async () => {
          const r = (await client.chat(
            streamReq,
            callOpts({ timeouts: { first_byte_ms: 10_000, idle_ms: 10_000, total_ms: 20_000 } }),
          )) as StreamUpstreamResponse;
          const it = r.events[Symbol.asyncIterator]();
          const first = await it.next();
          return { it, content: first.value?.data.choices[0]?.delta.content };
        }),
      );
      assert.equal(up.open, 300);
      assert.ok(firsts.every((f) => f.content === 'first'));
      up.release();
      for (const f of firsts) while (!(await f.it.next()).done);
    } finally {
      up.release();
      await client.close();
      await up.close();
    }
  });

  it('`connections` caps it, and the wait for a connection is measured', async () => {
    const up = await holdingUpstream();
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const client = openai.create('capped', { type: 'openai', base_url: `${up.url}/v1`, api_key: 'k', connections: 1 }, { logger, metrics });
    try {
      const a = (await client.chat(streamReq, callOpts())) as StreamUpstreamResponse;
      const ia = a.events[Symbol.asyncIterator]();
      await ia.next();
      // The only connection is held by the first stream: the second waits in the pool.
      const second = client.chat(streamReq, callOpts());
      await sleep(300);
      assert.equal(up.open, 1, 'the second request must not have reached the upstream yet');
      up.release();
      while (!(await ia.next()).done);
      const b = (await second) as StreamUpstreamResponse;
      const ib = b.events[Symbol.asyncIterator]();
      await ib.next();
      up.release();
      while (!(await ib.next()).done);
      const text = (await metrics.render()).body;
      assert.match(text, /gateway_upstream_pool_wait_seconds_count\{provider="capped"\} 2/);
      const sum = Number(/gateway_upstream_pool_wait_seconds_sum\{provider="capped"\} ([\d.e-]+)/.exec(text)![1]);
      assert.ok(sum >= 0.25, `waited ${sum} s in all`);
    } finally {
      up.release();
      await client.close();
      await up.close();
    }
  });

  it('the gateway exports the histogram per provider', async () => {
    const up = await startUpstream();
    up.handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        }),
      );
    };
    const gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { up: { type: openai, base_url: "${up.url}/v1", api_key: k } }
models: [ { name: m, provider: up, model: m } ]
pipeline: [ { use: provider } ]
`);
    try {
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] })).status, 200);
      const m = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(m, /gateway_upstream_pool_wait_seconds_count\{provider="up"\} 1/);
    } finally {
      await gw.stop();
      await up.close();
    }
  });
});
