import assert from 'node:assert/strict';
import { pino } from 'pino';
import router from '../../../src/plugins-builtin/router/index.ts';
import type { PluginEnv, PluginInstance } from '../../../src/engine/types.ts';
import type { Capability } from '../../../src/engine/openai-types.ts';
import { RequestContext } from '../../../src/engine/context.ts';
import { MetricsRegistry } from '../../../src/engine/metrics.ts';
import { createMemoryStateStore } from '../../../src/engine/stores/memory-state.ts';
import { plannerIn } from '../../../src/plugins-builtin/router/planner.ts';
import { compile } from '../../../src/engine/compile.ts';
import type { RouterConfig } from '../../../src/plugins-builtin/router/config.ts';
import { catalogOf, deployment } from '../../engine/routing/helpers.ts';

const mini = deployment('openai/gpt-4o-mini', 'mini', { contextWindow: 1000, pricing: { input_per_1m: 0.15, output_per_1m: 0.6 } });
const big = deployment('openai/gpt-4o', 'big', { contextWindow: 128000, pricing: { input_per_1m: 2.5, output_per_1m: 10 } });
const big2 = deployment('azure/gpt-4o', 'big', { contextWindow: 128000, pricing: { input_per_1m: 2.5, output_per_1m: 10 } });
const visionless = deployment('local/llama', 'llama', { contextWindow: 8000, capabilities: new Set<Capability>(['chat', 'stream']) });
const catalog = catalogOf([mini, big, big2, visionless], {});
let generation = 100;

async function make(config: RouterConfig): Promise<{ inst: PluginInstance; metrics: MetricsRegistry; gen: number }> {
  const metrics = new MetricsRegistry({ defaultMetrics: false });
  const gen = ++generation;
  const env = {
    pluginId: 'router',
    logger: pino({ level: 'silent' }),
    config: {} as never,
    configDir: '.',
    generation: gen,
    models: catalog,
    stores: { state: createMemoryStateStore(`t${gen}:`), db: undefined },
    metrics,
    pool: {
      run: async () => {
        throw new Error('no pool in unit tests');
      },
      close: async () => {},
    },
  } satisfies PluginEnv;
  return { inst: await router.create(config, env), metrics, gen };
}

function ctxFor(body: Record<string, unknown>, keyId?: string): RequestContext {
  const ctx = new RequestContext({
    id: 'r',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    clientIp: '::1',
    generation: 1,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    body,
  });
  if (keyId) ctx.principal = { keyId, keyPrefix: 'sk-' };
  return ctx;
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'auto', messages: [{ role: 'user', content }], ...extra });

describe('plugins/router', () => {
  it('content rules prefer their model (regex and keywords, no built-in patterns)', async () => {
    const { inst } = await make({
      aliases: { auto: ['mini', 'big'] },
      rules: [
        { name: 'maths', model: 'big', regex: '\\bprove\\b' },
        { name: 'code', model: 'big', keywords: ['typescript'] },
      ],
    });
    const c1 = ctxFor(ask('Please prove that sqrt 2 is irrational'));
    await inst.onRequest!(c1);
    assert.equal(c1.model, 'big');
    assert.match(c1.route!.reason, /rules:maths->big/);
    const c2 = ctxFor(ask('hello'));
    await inst.onRequest!(c2);
    assert.equal(c2.model, 'mini');
    assert.deepEqual(
      c2.route!.candidates.map((d) => d.name),
      ['mini', 'big', 'big'],
    );
  });

  it('skips models whose context window is too small for prompt + max_tokens', async () => {
    const { inst } = await make({ aliases: { auto: ['mini', 'big'] } });
    const ctx = ctxFor(ask('word '.repeat(50), { max_tokens: 990 }));
    await inst.onRequest!(ctx);
    assert.equal(ctx.model, 'big');
    assert.deepEqual(ctx.route!.candidates.map((d) => d.id).sort(), ['azure/gpt-4o', 'openai/gpt-4o']);
  });

  it('refuses with context_length_exceeded when nothing fits', async () => {
    const { inst } = await make({ aliases: { tiny: ['mini'] } });
    await assert.rejects(async () => inst.onRequest!(ctxFor({ ...ask('x'), model: 'tiny', max_tokens: 5000 })), { code: 'GW_ERR_CONTEXT_LENGTH_EXCEEDED' });
  });

  it('filters by capability and by cost ceiling', async () => {
    const { inst } = await make({ aliases: { auto: ['llama', 'big', 'mini'] }, cost_ceiling: { max_usd: 0.001 } });
    const ctx = ctxFor(ask('hi', { tools: [{ type: 'function', function: { name: 'f' } }], max_tokens: 200 }));
    await inst.onRequest!(ctx);
    // llama lacks tools; big costs 200 × $10/1M = $0.002 > $0.001; mini fits.
    assert.deepEqual(
      ctx.route!.candidates.map((d) => d.id),
      ['openai/gpt-4o-mini'],
    );
  });

  it('routes by embedding similarity to example prompts', async () => {
    const { inst } = await make({
      aliases: { auto: ['mini', 'big'] },
      embedding: {
        min_similarity: 0.3,
        routes: {
          big: ['write a typescript function that parses json', 'refactor this javascript code'],
          mini: ['what is the weather like today', 'tell me a joke'],
        },
      },
    });
    const c1 = ctxFor(ask('write a typescript function to parse yaml'));
    await inst.onRequest!(c1);
    assert.equal(c1.model, 'big');
    assert.match(c1.route!.reason, /embedding:similarity 0\.\d+->big/);
    const c2 = ctxFor(ask('tell me a joke about the weather'));
    await inst.onRequest!(c2);
    assert.equal(c2.model, 'mini');
  });

  it('splits A/B by weight, sticky per key, and records the variant', async () => {
    const { inst, metrics } = await make({
      ab: [
        {
          name: 'exp1',
          model: 'mini',
          variants: [
            { model: 'mini', weight: 80 },
            { model: 'big', weight: 20 },
          ],
        },
      ],
    });
    const seen = new Map<string, string>();
    let bigCount = 0;
    for (let i = 0; i < 500; i++) {
      const ctx = ctxFor({ ...ask('hi'), model: 'mini' }, `key${i}`);
      await inst.onRequest!(ctx);
      seen.set(`key${i}`, ctx.model!);
      if (ctx.model === 'big') bigCount++;
      assert.equal(ctx.responseHeaders['x-gateway-ab-variant'], `exp1=${ctx.model}`);
    }
    assert.ok(bigCount > 60 && bigCount < 140, `big got ${bigCount}/500 at weight 20%`);
    for (let i = 0; i < 50; i++) {
      const ctx = ctxFor({ ...ask('other text'), model: 'mini' }, `key${i}`);
      await inst.onRequest!(ctx);
      assert.equal(ctx.model, seen.get(`key${i}`), 'same key, same variant');
    }
    const text = (await metrics.render()).body;
    assert.match(
      text,
      new RegExp(
        `gateway_ab_variant_total\\{experiment="exp1",variant="big"\\} ${bigCount + [...Array(50).keys()].filter((i) => seen.get(`key${i}`) === 'big').length}`,
      ),
    );
  });

  it("explain (the planner found in the generation's pipeline) returns exactly the order the router chose, randomness seeded", async () => {
    const { inst } = await make({ seed: 7, strategy: 'weighted', aliases: { auto: ['big'] } });
    const planner = plannerIn(
      compile([
        { id: 'first', index: 0, instance: {} },
        { id: 'router', index: 1, instance: inst },
      ]),
    )!;
    assert.ok(planner);
    for (let i = 0; i < 20; i++) {
      const body = ask(`question number ${i}`);
      const explained = await planner.route({ endpoint: 'chat', body }, { advance: false });
      const ctx = ctxFor(body);
      await inst.onRequest!(ctx);
      assert.deepEqual(
        explained.candidates.map((d) => d.id),
        ctx.route!.candidates.map((d) => d.id),
      );
      assert.equal(explained.reason, ctx.route?.reason);
    }
    // A generation without a router has no planner: nothing registered outlives it.
    assert.equal(plannerIn(compile([{ id: 'other', index: 0, instance: {} }])), undefined);
  });

  it('an explicit rule that matched wins over an embedding match; listing embedding first says otherwise (#10.8)', async () => {
    const config: RouterConfig = {
      aliases: { auto: ['mini', 'big'] },
      rules: [{ name: 'maths', model: 'big', keywords: ['theorem'] }],
      embedding: { min_similarity: 0.1, routes: { mini: ['prove this lemma for me', 'this theorem is nice'] } },
    };
    const { inst } = await make(config);
    const ctx = ctxFor(ask('prove this theorem'));
    await inst.onRequest!(ctx);
    assert.equal(ctx.model, 'big');
    assert.match(ctx.route!.reason, /rules:maths->big/);
    assert.doesNotMatch(ctx.route!.reason, /embedding/);
    const explained = await plannerIn(compile([{ id: 'router', index: 0, instance: inst }]))!.route(
      { endpoint: 'chat', body: ask('prove this theorem') },
      { advance: false },
    );
    assert.deepEqual(
      explained.steps.find((s) => s.step === 'embedding'),
      { step: 'embedding', outcome: 'skipped: rules chose big' },
    );
    // The embedding match was there, and wins when the config puts embedding first.
    const { inst: embeddingFirst } = await make({ ...config, steps: ['embedding', 'rules', 'context_window', 'capabilities', 'strategy'] });
    const c2 = ctxFor(ask('prove this theorem'));
    await embeddingFirst.onRequest!(c2);
    assert.equal(c2.model, 'mini');
    assert.match(c2.route!.reason, /embedding:similarity 0\.\d+->mini/);
  });

  it('a prompt too long for a model goes to its context_length_exceeded fallback, not a 400 (#10.8)', async () => {
    const { inst } = await make({ fallbacks: { mini: { context_length_exceeded: ['big'] } } });
    const ctx = ctxFor({ ...ask('word '.repeat(50)), model: 'mini', max_tokens: 990 });
    await inst.onRequest!(ctx);
    assert.equal(ctx.model, 'big');
    assert.deepEqual(
      ctx.route!.candidates.map((d) => d.name),
      ['big', 'big'],
    );
    assert.match(ctx.route!.reason, /^group:mini; context_window:fallback\(mini->big\); strategy:weighted$/);
    // Without the chain, the same request is refused as too long.
    const { inst: plain } = await make({});
    await assert.rejects(async () => plain.onRequest!(ctxFor({ ...ask('word '.repeat(50)), model: 'mini', max_tokens: 990 })), {
      code: 'GW_ERR_CONTEXT_LENGTH_EXCEEDED',
    });
  });

  it('the context-window chain is followed in turn: a fallback too small follows its own', async () => {
    const { inst } = await make({ fallbacks: { mini: { any: ['llama'] }, llama: { context_length_exceeded: ['big'] } } });
    const ctx = ctxFor({ ...ask('word '.repeat(50)), model: 'mini', max_tokens: 7990 });
    await inst.onRequest!(ctx);
    assert.equal(ctx.model, 'big');
    assert.match(ctx.route!.reason, /context_window:fallback\(llama->big\)/);
  });

  it('names an unknown model with a 404 error', async () => {
    const { inst } = await make({});
    await assert.rejects(async () => inst.onRequest!(ctxFor({ ...ask('x'), model: 'nope' })), { code: 'GW_ERR_MODEL_NOT_FOUND' });
  });

  it('403 only for what the key may not use: an alias of unknown models is no deployment, for any key', async () => {
    const { inst } = await make({ aliases: { ghost: ['nowhere'], auto: ['mini', 'big'] } });
    await assert.rejects(async () => inst.onRequest!(ctxFor({ ...ask('x'), model: 'ghost' })), { code: 'GW_ERR_NO_HEALTHY_DEPLOYMENT' });
    const restricted = ctxFor(ask('x'));
    restricted.principal = { keyId: 'k', keyPrefix: 'k', permissions: { models: ['auto', 'llama'] } };
    await assert.rejects(async () => inst.onRequest!(restricted), { code: 'GW_ERR_FORBIDDEN' });
  });
});
