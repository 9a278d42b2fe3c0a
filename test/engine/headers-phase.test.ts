/**
 * The headers phase: every plugin's onHeaders runs, top→bottom, before the engine's body
 * step and before any onRequest; a refusal there leaves the body unread, and is handled
 * like a request-phase one (onResponse above, onError, the error to the caller).
 */
import assert from 'node:assert/strict';
import { compile, type CompiledPlugin } from '../../src/engine/compile.ts';
import { runPipeline, runProxyPipeline } from '../../src/engine/executor.ts';
import type { RequestContext } from '../../src/engine/context.ts';
import { fakeContext } from '../../src/testing/fakes.ts';
import { gatewayError, type GatewayError } from '../../src/engine/errors.ts';
import type { PluginInstance, UpstreamResponse } from '../../src/engine/types.ts';

const ok: UpstreamResponse = { kind: 'json', status: 200, headers: {}, body: { ok: true } };

/** A request whose body has not been read yet, as the headers phase sees it. */
const ctx = () => fakeContext({ body: null, headers: {} });

function plugins(...instances: PluginInstance[]): CompiledPlugin[] {
  return instances.map((instance, index) => ({ id: `p${index}`, index, instance }));
}

function recorder(order: string[], n: string): PluginInstance {
  return {
    onHeaders(c) {
      order.push(`${n}.headers${c.body === undefined ? '' : '+body'}`);
    },
    onRequest(c) {
      order.push(`${n}.req${c.body === undefined ? '' : '+body'}`);
    },
    onResponse() {
      order.push(`${n}.res`);
    },
  };
}

describe('pipeline: the headers phase', () => {
  it('runs every onHeaders, then the body step, then every onRequest', async () => {
    const order: string[] = [];
    const p = compile(plugins(recorder(order, 'a'), recorder(order, 'b'), { invoke: async () => ok }));
    assert.equal(p.onHeaders.length, 2);
    const body = async (c: RequestContext) => {
      order.push('body');
      c.body = { model: 'm' };
    };
    assert.equal(await runPipeline(p, ctx(), undefined, body), ok);
    assert.deepEqual(order, ['a.headers', 'b.headers', 'body', 'a.req+body', 'b.req+body', 'b.res', 'a.res']);
  });

  it('a refusal in onHeaders leaves the body unread and the request phase unrun', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const refuser: PluginInstance = {
      onHeaders() {
        throw gatewayError('GW_ERR_UNAUTHORIZED');
      },
      onError(_c, e) {
        errors.push(e.code);
      },
    };
    const p = compile(plugins(recorder(order, 'a'), refuser, recorder(order, 'c'), { invoke: async () => ok }));
    let bodyRead = false;
    await assert.rejects(
      runPipeline(p, ctx(), undefined, async () => {
        bodyRead = true;
      }),
      (e: GatewayError) => e.code === 'GW_ERR_UNAUTHORIZED',
    );
    assert.equal(bodyRead, false);
    assert.deepEqual(order, ['a.headers']);
    assert.deepEqual(errors, ['GW_ERR_UNAUTHORIZED']);
  });

  it('a `{ respond }` in onHeaders answers, with onResponse for the plugins above only', async () => {
    const order: string[] = [];
    const early: UpstreamResponse = { kind: 'json', status: 403, headers: {}, body: {} };
    const p = compile(plugins(recorder(order, 'a'), { onHeaders: () => ({ respond: early }) }, recorder(order, 'c'), { invoke: async () => ok }));
    assert.equal(await runPipeline(p, ctx(), undefined, async () => void order.push('body')), early);
    assert.deepEqual(order, ['a.headers', 'a.res']);
  });

  it('a plugin whose onHeaders throws something else fails closed, counted as that phase', async () => {
    const failures: string[] = [];
    const p = compile(
      plugins(
        {
          onHeaders() {
            throw new Error('boom');
          },
        },
        { invoke: async () => ok },
      ),
    );
    await assert.rejects(
      runPipeline(p, ctx(), (plugin, phase) => failures.push(`${plugin}/${phase}`)),
      (e: GatewayError) => e.code === 'GW_ERR_INTERNAL',
    );
    assert.deepEqual(failures, ['p0/onHeaders']);
  });

  it('a body step failure is the engine’s, not a plugin’s', async () => {
    const failures: string[] = [];
    const p = compile(plugins(recorder([], 'a'), { invoke: async () => ok }));
    await assert.rejects(
      runPipeline(
        p,
        ctx(),
        (plugin, phase) => failures.push(`${plugin}/${phase}`),
        async () => {
          throw gatewayError('GW_ERR_CLIENT_CLOSED');
        },
      ),
      (e: GatewayError) => e.code === 'GW_ERR_CLIENT_CLOSED',
    );
    assert.deepEqual(failures, []);
  });

  it('runs on proxy routes before the forwarding', async () => {
    const order: string[] = [];
    const p = compile(plugins(recorder(order, 'a')));
    await runProxyPipeline(p, ctx(), async () => {
      order.push('forward');
      return undefined;
    });
    assert.deepEqual(order, ['a.headers', 'a.req', 'forward', 'a.res']);
  });
});
