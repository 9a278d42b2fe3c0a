/** The transform's parts on their own, and its hooks on a fake context (no sockets). */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import transform from '../../../src/plugins-builtin/transform/index.ts';
import type { TransformConfig } from '../../../src/plugins-builtin/transform/compile.ts';
import { parsePath, without } from '../../../src/plugins-builtin/transform/paths.ts';
import { systemPromptEdit } from '../../../src/plugins-builtin/transform/system-prompt.ts';
import { modelMatcher } from '../../../src/plugins-builtin/transform/match.ts';
import { RequestContext, type Endpoint } from '../../../src/engine/context.ts';
import { MetricsRegistry } from '../../../src/engine/metrics.ts';
import { deepFreeze } from '../../../src/engine/config/freeze.ts';
import type { ChatMessage } from '../../../src/engine/openai-types.ts';
import type { PluginEnv } from '../../../src/engine/types.ts';

const path = (t: string) => parsePath(t, { wildcard: true }) as string[];

describe('plugins/transform: parts', () => {
  it('without() removes by path, copying only what it changes, never the original', () => {
    const body = deepFreeze({ id: 'x', choices: [{ index: 0, logprobs: null }, { index: 1 }], usage: { total_tokens: 3 } });
    const out = without(body, path('choices.*.logprobs')) as typeof body;
    assert.deepEqual(out, { id: 'x', choices: [{ index: 0 }, { index: 1 }], usage: { total_tokens: 3 } });
    assert.equal(out.usage, body.usage);
    assert.equal(out.choices[1], body.choices[1]);
    assert.equal(without(body, path('system_fingerprint')), body, 'absent field: same object back');
    assert.equal(without(body, path('usage.nope.deeper')), body);
    assert.deepEqual(without({ a: { x: 1, y: 2 } }, path('a.*')), { a: {} });
    assert.deepEqual(without({ a: [1, 2] }, path('a.*')), { a: [] });
    assert.deepEqual(without({ a: [1, 2] }, path('a.b')), { a: [1, 2] }, 'a name does not index an array');
  });

  it('parsePath() refuses empty segments, spaces, `*` outside remove and prototype keys', () => {
    assert.deepEqual(parsePath('metadata.team', { wildcard: false }), ['metadata', 'team']);
    for (const bad of ['', 'a.', '.a', 'a..b', 'a b', 'a*b', '*.x', 'constructor.x', 'x.__proto__']) {
      assert.equal(typeof parsePath(bad, { wildcard: true }), 'string', bad);
    }
    assert.equal(typeof parsePath('a.*', { wildcard: false }), 'string');
  });

  it('system prompt: prepend/append join the first system message; replace keeps one', () => {
    const msgs = (): ChatMessage[] => [
      { role: 'developer', content: 'Dev.' },
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'Late.' },
    ];
    assert.deepEqual(systemPromptEdit({ prepend: 'A', append: 'Z', separator: ' | ' })(msgs())[0], { role: 'developer', content: 'A | Dev. | Z' });
    assert.deepEqual(systemPromptEdit({ replace: 'Only.', separator: '\n\n' })(msgs()), [
      { role: 'system', content: 'Only.' },
      { role: 'user', content: 'hi' },
    ]);
    const parts = systemPromptEdit({ append: 'Z', separator: '\n' })([{ role: 'system', content: [{ type: 'text', text: 'P' }] }]);
    assert.deepEqual(parts[0]!.content, [
      { type: 'text', text: 'P' },
      { type: 'text', text: '\nZ' },
    ]);
    const empty = systemPromptEdit({ prepend: 'A', separator: '\n\n' })([{ role: 'system', content: '' }]);
    assert.equal(empty[0]!.content, 'A', 'no dangling separator');
  });

  it('model globs: `*` is the only wildcard; dots are literal', () => {
    const m = modelMatcher(['gpt-4.1', 'claude-*-haiku', 'exact']);
    assert.equal(m('gpt-4.1'), true);
    assert.equal(m('gpt-4x1'), false);
    assert.equal(m('claude-3-5-haiku'), true);
    assert.equal(m('claude-3-5-haiku-2'), false);
    assert.equal(m('exact'), true);
    assert.equal(m(undefined), false);
  });
});

describe('plugins/transform: hooks', () => {
  const make = (config: TransformConfig, metrics = new MetricsRegistry({ defaultMetrics: false }), pluginId = 'transform') =>
    transform.create(deepFreeze(config), {
      pluginId,
      logger: pino({ level: 'silent' }),
      config: { pipeline: [] } as never,
      configDir: '.',
      generation: 1,
      models: { group: (n: string) => (n === 'm2' ? [] : undefined), names: () => ['m2'], all: () => [], provider: () => undefined },
      stores: { state: undefined as never, db: undefined },
      metrics,
      pool: undefined as never,
    } satisfies PluginEnv);
  const ctxFor = (body: Record<string, unknown>, endpoint: Endpoint = 'chat') =>
    new RequestContext({
      id: 'r',
      endpoint,
      method: 'POST',
      path: '/',
      headers: {},
      clientIp: '::1',
      generation: 1,
      log: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      body,
      rawBody: Buffer.from(JSON.stringify(body)),
    });

  it('a request no rule changes keeps its raw bytes (bodyChanged stays false)', async () => {
    const inst = await make({ rules: [{ models: ['other'], set: { user: 'u' } }, { default: { user: 'd' } }] });
    const ctx = ctxFor({ model: 'm', messages: [], user: 'client' });
    await inst.onRequest!(ctx);
    assert.equal(ctx.bodyChanged, false);
  });

  it('a set value is copied per request: the frozen config is never handed out', async () => {
    const inst = await make({ rules: [{ set: { metadata: { team: 'a' } } }] });
    const a = ctxFor({ model: 'm', messages: [] });
    await inst.onRequest!(a);
    const md = (a.body as { metadata: { team: string } }).metadata;
    md.team = 'changed by a later plugin';
    const b = ctxFor({ model: 'm', messages: [] });
    await inst.onRequest!(b);
    assert.deepEqual((b.body as { metadata: unknown }).metadata, { team: 'a' });
    assert.equal(b.bodyChanged, true);
  });

  it('rename_model sets the body and ctx.model; the response keeps raw bytes when nothing was removed', async () => {
    const inst = await make({ rules: [{ rename_model: 'm2', response_body: { remove: ['system_fingerprint'] } }] });
    const ctx = ctxFor({ model: 'm', messages: [] });
    await inst.onRequest!(ctx);
    assert.equal(ctx.model, 'm2');
    assert.equal((ctx.body as { model: string }).model, 'm2');
    const raw = Buffer.from('{"id":"x"}');
    ctx.response = { kind: 'json', status: 200, headers: {}, body: { id: 'x' }, raw };
    await inst.onResponse!(ctx);
    assert.equal(ctx.response.kind === 'json' && ctx.response.raw, raw);
  });

  it('implements no response phases when no rule has response work (zero cost)', async () => {
    const inst = await make({ rules: [{ set: { user: 'u' } }] });
    assert.equal(inst.onResponse, undefined);
    assert.equal(inst.onError, undefined);
  });

  it('counts matches per instance and rule: pulled at scrape, flushed at close', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const config: TransformConfig = {
      rules: [
        { name: 'a', models: ['m'], set: { user: 'u' } },
        { name: 'b', models: ['x'], set: { user: 'v' } },
      ],
    };
    const one = await make(config, metrics, 'one');
    const two = await make(config, metrics, 'two');
    const value = async (plugin: string, rule: string) => {
      const m = await metrics.registry.getSingleMetricAsString('gateway_transform_rules_matched_total');
      return Number(new RegExp(`\\{plugin="${plugin}",rule="${rule}"\\} (\\d+)`).exec(m)?.[1] ?? 0);
    };
    await one.onRequest!(ctxFor({ model: 'm', messages: [] }));
    await one.onRequest!(ctxFor({ model: 'm', messages: [] }));
    await two.onRequest!(ctxFor({ model: 'x', messages: [] }));
    assert.equal(await value('one', 'a'), 2);
    assert.equal(await value('one', 'b'), 0);
    assert.equal(await value('two', 'b'), 1);
    await two.onRequest!(ctxFor({ model: 'x', messages: [] }));
    await two.close!();
    // Closed: its last count was flushed, and it is no longer pulled.
    assert.equal(await value('two', 'b'), 2);
    await one.close!();
  });
});
