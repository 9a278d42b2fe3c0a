import assert from 'node:assert/strict';
import { pino } from 'pino';
import { compile, type CompiledPlugin } from '../../src/engine/compile.ts';
import { runPipeline, runDone } from '../../src/engine/executor.ts';
import { RequestContext } from '../../src/engine/context.ts';
import { gatewayError, type GatewayError } from '../../src/engine/errors.ts';
import type { PluginInstance, UpstreamResponse } from '../../src/engine/types.ts';

const ok: UpstreamResponse = { kind: 'json', status: 200, headers: {}, body: { ok: true } };

function ctx(): RequestContext {
  return new RequestContext({
    id: 'r1',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    clientIp: '127.0.0.1',
    generation: 1,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    body: { model: 'm', messages: [] },
  });
}

function plugins(...instances: PluginInstance[]): CompiledPlugin[] {
  return instances.map((instance, index) => ({ id: `p${index}`, index, instance }));
}

describe('pipeline compiler and executor', () => {
  it('runs request phases top→bottom, invoke, response phases bottom→top', async () => {
    const order: string[] = [];
    const mk = (n: string): PluginInstance => ({
      onRequest() {
        order.push(`${n}.req`);
      },
      onResponse() {
        order.push(`${n}.res`);
      },
    });
    const p = compile(
      plugins(mk('a'), mk('b'), {
        invoke: async () => {
          order.push('invoke');
          return ok;
        },
      }),
    );
    const res = await runPipeline(p, ctx());
    assert.equal(res, ok);
    assert.deepEqual(order, ['a.req', 'b.req', 'invoke', 'b.res', 'a.res']);
  });

  it('keeps only the plugins that implement each phase', () => {
    const p = compile(plugins({ onRequest() {} }, { onDone() {} }, { invoke: async () => ok }));
    assert.deepEqual([p.onRequest.length, p.onResponse.length, p.onDone.length, p.onStreamChunk.length], [1, 0, 1, 0]);
    assert.equal(p.invoke?.id, 'p2');
  });

  it('refuses two terminal plugins', () => {
    assert.throws(() => compile(plugins({ invoke: async () => ok }, { invoke: async () => ok })), /only one terminal/);
  });

  it('a short-circuit stops the descent; only plugins above it see the response', async () => {
    const order: string[] = [];
    const cached: UpstreamResponse = { kind: 'json', status: 200, headers: {}, body: { cached: true } };
    const p = compile(
      plugins(
        {
          onResponse() {
            order.push('top.res');
          },
        },
        {
          onRequest: () => ({ respond: cached }),
          onResponse() {
            order.push('cache.res');
          },
        },
        {
          onRequest() {
            order.push('below.req');
          },
          onResponse() {
            order.push('below.res');
          },
        },
        {
          invoke: async () => {
            order.push('invoke');
            return ok;
          },
        },
      ),
    );
    assert.equal(await runPipeline(p, ctx()), cached);
    assert.deepEqual(order, ['top.res']);
  });

  it('a plugin that throws fails closed with a generic 500 and a log naming it', async () => {
    const lines: string[] = [];
    const c = ctx();
    c.log = pino({ level: 'error' }, { write: (s: string) => lines.push(s) });
    const failures: string[] = [];
    const p = compile(
      plugins(
        {
          onRequest() {
            throw new Error('db password is hunter2');
          },
        },
        { invoke: async () => ok },
      ),
    );
    await assert.rejects(
      runPipeline(p, c, (plugin, phase) => failures.push(`${plugin}/${phase}`)),
      (e: GatewayError) => {
        assert.equal(e.code, 'GW_ERR_INTERNAL');
        assert.equal(e.status, 500);
        assert.ok(!e.message.includes('hunter2'));
        assert.ok(!JSON.stringify(e.toOpenAI()).includes('hunter2'));
        return true;
      },
    );
    assert.deepEqual(failures, ['p0/onRequest']);
    assert.match(lines.join(''), /"plugin":"p0".*"phase":"onRequest"/);
    assert.match(lines.join(''), /hunter2/, 'the full cause is logged for operators');
  });

  it('a GatewayError thrown by a plugin reaches the client as is (401, 429…)', async () => {
    const p = compile(
      plugins(
        {
          onRequest() {
            throw gatewayError('GW_ERR_RATE_LIMITED', { retryAfter: 3 });
          },
        },
        { invoke: async () => ok },
      ),
    );
    await assert.rejects(runPipeline(p, ctx()), (e: GatewayError) => e.code === 'GW_ERR_RATE_LIMITED' && e.retryAfter === 3);
  });

  it('onError may answer instead (bottom→top), and its own failure is contained', async () => {
    const fallback: UpstreamResponse = { kind: 'json', status: 200, headers: {}, body: { fallback: true } };
    const p = compile(
      plugins(
        { onError: () => ({ respond: fallback }) },
        {
          onError() {
            throw new Error('broken handler');
          },
        },
        {
          invoke: async () => {
            throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE');
          },
        },
      ),
    );
    const c = ctx();
    assert.equal(await runPipeline(p, c), fallback);
    assert.equal(c.error, undefined);
  });

  it('onDone hooks all run even when one throws', () => {
    const seen: string[] = [];
    const p = compile(
      plugins(
        {
          onDone() {
            seen.push('a');
          },
        },
        {
          onDone() {
            throw new Error('x');
          },
        },
        {
          onDone() {
            seen.push('c');
          },
        },
      ),
    );
    runDone(p, ctx());
    assert.deepEqual(seen, ['c', 'a']);
  });
});
