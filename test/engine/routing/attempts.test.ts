/**
 * The onAttempt phase: called once per upstream call (first try, retries, hedges,
 * fallbacks), it may set the call's trace context and learns each attempt's outcome; a
 * hook that throws fails the request closed. A stream's attempt ends when its writer
 * settles it, not when dispatch returns.
 */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { compilePolicy } from '../../../src/engine/routing/policy.ts';
import { compile } from '../../../src/engine/compile.ts';
import { RequestContext } from '../../../src/engine/context.ts';
import { gatewayError } from '../../../src/engine/errors.ts';
import type { AttemptOutcome, CallOptions, PluginInstance, UpstreamAttempt } from '../../../src/engine/types.ts';
import { catalogOf, chunk, deployment, ok, streamOf } from './helpers.ts';

/** A context running a pipeline of `instances` (the onAttempt phase is compiled from it). */
function contextWith(instances: PluginInstance[], failures: string[] = [], body: Record<string, unknown> = {}): RequestContext {
  const pipeline = compile(instances.map((instance, index) => ({ id: `p${index}`, index, instance })));
  return new RequestContext({
    id: 'attempts-1',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    clientIp: '127.0.0.1',
    generation: 1,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    body: { model: 'chat', messages: [{ role: 'user', content: 'hi' }], ...body },
    pipeline,
    onPluginFailure: (plugin, phase) => failures.push(`${plugin}/${phase}`),
  });
}

const TRACE = (n: number) => `00-${'a'.repeat(32)}-${String(n).padStart(16, '0')}-01`;

describe('routing: the onAttempt phase', () => {
  it('runs per attempt across a retry and a fallback, sets each call’s traceparent and learns each outcome', async () => {
    const seen: Array<{ n: number; d: string }> = [];
    const outcomes: Array<[number, AttemptOutcome]> = [];
    const sent: Array<string | undefined> = [];
    const tracer: PluginInstance = {
      onAttempt(_ctx, a: UpstreamAttempt) {
        seen.push({ n: a.number, d: a.deployment.id });
        a.traceparent = TRACE(a.number);
        return (outcome) => outcomes.push([a.number, outcome]);
      },
    };
    let calls = 0;
    const cat = catalogOf([deployment('pa/m', 'chat', { retry: { attempts: 2, base_delay_ms: 1, max_delay_ms: 2 } }), deployment('pb/m', 'other')], {
      pa: (_b, call: CallOptions) => {
        sent.push(call.traceparent);
        calls++;
        throw gatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', { upstreamStatus: 503 });
      },
      pb: (_b, call: CallOptions) => {
        sent.push(call.traceparent);
        return ok('from the fallback');
      },
    });
    const ctx = contextWith([tracer]);
    const policy = compilePolicy({ fallbacks: { chat: { any: ['other'] } } });
    await dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy });
    assert.equal(calls, 2, 'the first deployment was tried twice');
    assert.deepEqual(seen, [
      { n: 1, d: 'pa/m' },
      { n: 2, d: 'pa/m' },
      { n: 3, d: 'pb/m' },
    ]);
    assert.deepEqual(sent, [TRACE(1), TRACE(2), TRACE(3)], 'each call carried its own attempt’s trace context');
    assert.deepEqual(outcomes, [
      [1, 'unavailable'],
      [2, 'unavailable'],
      [3, 'ok'],
    ]);
    assert.equal(ctx.deployment?.id, 'pb/m');
  });

  it('without the phase, calls carry the request’s own trace context', async () => {
    let sent: string | undefined;
    const cat = catalogOf([deployment('pa/m', 'chat')], {
      pa: (_b, call) => {
        sent = call.traceparent;
        return ok();
      },
    });
    const ctx = contextWith([]);
    ctx.traceparent = TRACE(9);
    await dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy: compilePolicy() });
    assert.equal(sent, TRACE(9));
  });

  it('a streamed attempt’s outcome comes when the stream is settled, not when dispatch returns', async () => {
    const outcomes: AttemptOutcome[] = [];
    const cat = catalogOf([deployment('pa/m', 'chat')], { pa: () => streamOf([chunk('Hel'), chunk('lo')]) });
    const state = new RoutingState();
    const ctx = contextWith([{ onAttempt: () => (o) => outcomes.push(o) }], [], { stream: true });
    const res = await dispatch(ctx, new AbortController().signal, { catalog: cat, state, policy: compilePolicy() });
    assert.equal(res.kind, 'stream');
    assert.deepEqual(outcomes, []);
    assert.equal(state.health.of('pa/m').inflight, 1, 'still in flight while the stream is being written');
    if (res.kind !== 'stream') return;
    let text = '';
    for await (const ev of res.events) text += ev.data.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Hello', 'the peeked first event and the rest, in order');
    res.settle!({});
    assert.deepEqual(outcomes, ['ok']);
    assert.equal(state.health.of('pa/m').inflight, 0);
  });

  it('a hook that throws fails the request closed before any upstream call, and is counted', async () => {
    const failures: string[] = [];
    let calls = 0;
    const cat = catalogOf([deployment('pa/m', 'chat'), deployment('pb/m', 'chat')], {
      pa: () => {
        calls++;
        return ok();
      },
      pb: () => {
        calls++;
        return ok();
      },
    });
    const ctx = contextWith(
      [
        {
          onAttempt() {
            throw new Error('tracer exploded with internals');
          },
        },
      ],
      failures,
    );
    await assert.rejects(
      dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy: compilePolicy() }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'GW_ERR_INTERNAL');
        assert.ok(!e.message.includes('internals'));
        return true;
      },
    );
    assert.equal(calls, 0);
    assert.deepEqual(failures, ['p0/onAttempt']);
  });
});

describe('routing: an async onAttempt', () => {
  it('a rejection is counted, never left unhandled, and the call goes on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failures: string[] = [];
      const cat = catalogOf([deployment('pa/m', 'chat')], { pa: () => ok() });
      const hook = (async () => {
        throw new Error('async tracer failure');
      }) as unknown as PluginInstance['onAttempt'];
      const ctx = contextWith([{ onAttempt: hook }], failures);
      await dispatch(ctx, new AbortController().signal, { catalog: cat, state: new RoutingState(), policy: compilePolicy() });
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(ctx.deployment?.id, 'pa/m');
      assert.deepEqual(failures, ['p0/onAttempt']);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
