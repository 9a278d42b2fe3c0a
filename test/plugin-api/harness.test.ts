/**
 * llm-gateway/testing itself: what a plugin author relies on it to show — short-circuits,
 * fail-closed denials with their metric and log line, stream hooks, onAttempt outcomes
 * across retries, per-instance slots and the state store, the scripted upstream — and the
 * unit helpers' rules (sync phases, config checks at create).
 */
import assert from 'node:assert/strict';
import { definePlugin, gatewayError, stateKey, type AttemptOutcome, type PluginInstance } from 'llm-gateway/plugin';
import { createInstance, fakeAttempt, fakeContext, runHook, startPluginHarness, type PluginHarness } from 'llm-gateway/testing';

const base = { version: '1.0.0', engine: '^1.0.0', configSchema: { type: 'object' } } as const;

describe('plugin API: llm-gateway/testing', function () {
  this.timeout(30_000);
  let h: PluginHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a short-circuit answers instead of the upstream, and the plugins below never run', async () => {
    let belowRan = 0;
    const gate = definePlugin({
      ...base,
      name: 'gate',
      create: () => ({
        onRequest: (ctx) => (ctx.header('x-pass') ? undefined : { respond: { kind: 'json', status: 418, headers: {}, body: { teapot: true } } }),
      }),
    });
    const below = definePlugin({ ...base, name: 'below', create: () => ({ onRequest: () => void belowRan++ }) });
    h = await startPluginHarness({ plugin: gate, pipeline: [gate, below, 'provider'] });
    const r = await h.chat();
    assert.equal(r.status, 418);
    assert.deepEqual(r.body, { teapot: true });
    assert.equal(h.upstream.requests.length, 0);
    assert.equal(belowRan, 0);
    assert.equal((await h.chat({}, { headers: { 'x-pass': '1' } })).status, 200);
    assert.equal(belowRan, 1);
  });

  it('a plugin that throws fails closed: a generic 500, counted, logged with plugin and phase', async () => {
    const thrower = definePlugin({
      ...base,
      name: 'thrower',
      create: () => ({
        onRequest() {
          throw new Error('boom: internal detail');
        },
      }),
    });
    h = await startPluginHarness({ plugin: thrower });
    const r = await h.chat();
    assert.equal(r.status, 500);
    assert.equal(r.body.error?.code, 'internal_error');
    assert.doesNotMatch(r.text, /boom/);
    assert.equal(h.upstream.requests.length, 0);
    assert.equal(await h.metric('gateway_plugin_errors_total', { plugin: 'thrower', phase: 'onRequest' }), 1);
    const line = h.logs.find((l) => l.msg === 'plugin failed; request denied');
    assert.equal(line?.plugin, 'thrower');
    assert.equal(line?.phase, 'onRequest');
    assert.match(JSON.stringify(line?.err), /boom: internal detail/);
  });

  it('a GatewayError a plugin throws reaches the client with its code, status and headers', async () => {
    const limiter = definePlugin({
      ...base,
      name: 'limiter',
      create: () => ({
        onRequest() {
          throw gatewayError('GW_ERR_RATE_LIMITED', { retryAfter: 5, message: 'Slow down.' });
        },
      }),
    });
    h = await startPluginHarness({ plugin: limiter });
    const r = await h.chat();
    assert.equal(r.status, 429);
    assert.equal(r.body.error?.message, 'Slow down.');
    assert.equal(r.headers.get('retry-after'), '5');
    assert.equal(await h.metric('gateway_plugin_errors_total'), 0, 'a GatewayError is a decision, not a failure');
  });

  it('stream hooks see each event; a rewritten event reaches the client', async () => {
    const shout = definePlugin({
      ...base,
      name: 'shout',
      create: () => ({
        onStreamChunk(_ctx, event) {
          const content = event.data.choices[0]?.delta?.content;
          if (!content) return event;
          const choices = [{ ...event.data.choices[0]!, delta: { ...event.data.choices[0]!.delta, content: content.toUpperCase() } }];
          return { data: { ...event.data, choices } };
        },
      }),
    });
    h = await startPluginHarness({ plugin: shout, upstream: [{ content: 'quiet words here' }] });
    const s = await h.stream();
    assert.equal(s.status, 200);
    assert.equal(s.content, 'QUIET WORDS HERE');
    assert.ok(s.done);
  });

  it('onAttempt runs per upstream call, retries included, and learns each outcome', async () => {
    const outcomes: Array<[number, AttemptOutcome]> = [];
    const watcher = definePlugin({
      ...base,
      name: 'watcher',
      create: () => ({ onAttempt: (_ctx, attempt) => (outcome) => void outcomes.push([attempt.number, outcome]) }),
    });
    h = await startPluginHarness({
      plugin: watcher,
      provider: { retry: { attempts: 2, base_delay_ms: 0, max_delay_ms: 0 } },
      upstream: [{ status: 503 }, { content: 'second time lucky' }],
    });
    const r = await h.chat();
    assert.equal(r.body.choices?.[0]?.message.content, 'second time lucky');
    assert.deepEqual(outcomes, [
      [1, 'unavailable'],
      [2, 'ok'],
    ]);
  });

  it('two entries of one plugin keep their own slots; env.stores.state is shared', async () => {
    const counter = definePlugin({
      ...base,
      name: 'counter',
      configSchema: { type: 'object', properties: { header: { type: 'string' } }, required: ['header'] },
      create(config, env) {
        const MINE = stateKey<string>('counter.mine');
        return {
          async onRequest(ctx) {
            assert.equal(ctx.get(MINE), undefined, 'no other instance wrote this slot');
            ctx.set(MINE, config.header);
            await env.stores.state.incrBy('counter:hits', 1);
          },
          async onResponse(ctx) {
            ctx.responseHeaders[config.header] = `${ctx.get(MINE)}:${await env.stores.state.get('counter:hits')}`;
          },
        };
      },
    });
    h = await startPluginHarness({
      plugin: counter,
      config: { header: 'x-a' },
      id: 'a',
      pipeline: [counter, { use: counter, id: 'b', config: { header: 'x-b' } }, 'provider'],
    });
    const r = await h.chat();
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-a'), 'x-a:2');
    assert.equal(r.headers.get('x-b'), 'x-b:2');
  });

  it('the scripted upstream records requests and says so when its script runs out', async () => {
    h = await startPluginHarness({ upstream: [{ content: 'only one' }] });
    assert.equal((await h.chat({ messages: [{ role: 'user', content: 'first' }] })).body.choices?.[0]?.message.content, 'only one');
    const second = await h.chat();
    assert.equal(second.status, 503, 'the upstream answered 500: unavailable');
    assert.equal(h.upstream.requests.length, 2);
    assert.deepEqual(h.upstream.requests[0]!.body?.messages, [{ role: 'user', content: 'first' }]);
    h.upstream.script(() => ({ content: 'from a function' }));
    assert.equal((await h.chat()).body.choices?.[0]?.message.content, 'from a function');
  });

  it('the harness refuses a pipeline without the plugin under test', async () => {
    const p = definePlugin({ ...base, name: 'p', create: () => ({}) });
    await assert.rejects(startPluginHarness({ plugin: p, pipeline: ['provider'] }), /`pipeline` must include `plugin`/);
  });

  describe('unit helpers', () => {
    it('runHook refuses a promise from a synchronous phase, and a phase the plugin lacks', async () => {
      const instance = { onStreamChunk: async () => null } as unknown as PluginInstance;
      await assert.rejects(runHook(instance, 'onStreamChunk', fakeContext(), { data: {} as never }), /onStreamChunk must be synchronous/);
      await assert.rejects(runHook({}, 'onRequest', fakeContext()), /the plugin has no onRequest hook/);
    });

    it('createInstance runs checkConfig and gives env a catalog, stores and metrics', async () => {
      const picky = definePlugin({
        ...base,
        name: 'picky',
        configSchema: { type: 'object', properties: { model: { type: 'string', default: 'test-model' } } },
        checkConfig: (config, env) => (env.hasModel(config.model) ? [] : [{ path: `${env.at}.model`, message: `no model "${config.model}"` }]),
        create(config, env) {
          const seen = env.metrics.counter({ name: 'picky_attempts_total', help: 'attempts' });
          return {
            onAttempt() {
              seen.inc();
              return (outcome) => void env.stores.state.set('last', outcome);
            },
            onRequest: (ctx) => void (ctx.model = env.models.group(config.model)?.[0]?.model),
          };
        },
      });
      await assert.rejects(createInstance(picky, { model: 'nope' }), /pipeline\[0\]\.config\.model: no model "nope"/);
      const t = await createInstance(picky);
      try {
        const ctx = fakeContext({ body: { model: 'other', messages: [] } });
        await runHook(t, 'onRequest', ctx);
        assert.equal(ctx.model, 'test-model');
        const end = await runHook(t, 'onAttempt', ctx, fakeAttempt());
        assert.equal(typeof end, 'function');
        (end as (o: AttemptOutcome) => void)('timeout');
        assert.equal(await t.env.stores.state.get('last'), 'timeout');
        assert.match((await t.env.metrics.render()).body, /picky_attempts_total 1/);
      } finally {
        await t.close();
      }
    });
  });
});
