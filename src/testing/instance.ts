/**
 * One plugin instance for unit tests, made the way a gateway makes it, without serving:
 * the config validated by the engine's own config check (the plugin's schema with its
 * defaults, `checkConfig`, the `engine` range), then `create(config, env)` with a real env
 * — a model catalog on the mock provider, memory stores, a metrics registry, a worker pool
 * and a logger whose lines are kept. `runHook` then calls one phase with a context.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { validateConfigText } from '../engine/config/index.ts';
import { buildCatalog, closeUnusedClients } from '../engine/catalog.ts';
import { createLogger } from '../engine/logger.ts';
import { MetricsRegistry } from '../engine/metrics.ts';
import { createStores, closeStores } from '../engine/stores/index.ts';
import { createWorkerPool } from '../engine/workers/pool.ts';
import type { RequestContext } from '../engine/context.ts';
import type { PluginDefinition, PluginEnv, PluginInstance } from '../engine/types.ts';
import { shimModule } from './shim.ts';

export interface InstanceOptions {
  /** More of gateway.yaml (e.g. `models`, `stores: { state: { type: redis, url } }`), merged over a mock set-up (`pipeline` is the plugin's). */
  gateway?: Record<string, unknown>;
  /** Variables for `${VAR}` in the config. */
  env?: Record<string, string | undefined>;
}

export interface PluginUnderTest<C> {
  instance: PluginInstance;
  /** The config `create` received: validated, defaulted, frozen. */
  config: Readonly<C>;
  env: PluginEnv;
  /** Log lines written through `env.logger`, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** Calls the instance's `close`, then releases the env (stores, pool, provider clients). */
  close(): Promise<void>;
}

/**
 * @example
 *   const t = await createInstance(tagger, { header: 'x-team', value: 'search' });
 *   await runHook(t.instance, 'onResponse', fakeContext());
 *   await t.close();
 * @throws ConfigError (a config the gateway would refuse, located as in gateway.yaml)
 */
export async function createInstance<C>(
  definition: PluginDefinition<C>,
  config: Record<string, unknown> = {},
  opts: InstanceOptions = {},
): Promise<PluginUnderTest<C>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gateway-unit-'));
  const shim = await shimModule(path.join(dir, 'plugins'), definition.name, definition);
  const cleanup: Array<() => Promise<unknown> | void> = [() => shim.release(), () => rm(dir, { recursive: true, force: true })];
  const release = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const id = definition.name;
    const tree = {
      version: 1,
      stores: { state: { type: 'memory' }, db: { type: 'memory' } },
      providers: { local: { type: 'mock' } },
      models: [{ name: 'test-model', provider: 'local', model: 'test-model' }],
      ...opts.gateway,
      pipeline: [{ use: shim.use, id, config }, ...(definition.terminal ? [] : [{ use: 'provider' }])],
    };
    const loaded = await validateConfigText(JSON.stringify(tree), path.join(dir, 'gateway.yaml'), { env: opts.env ?? {} });

    const logs: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const logger = createLogger({ level: 'debug', destination: sink });
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const stores = await createStores(loaded.config.stores, logger, metrics);
    cleanup.push(() => closeStores(stores));
    const pool = createWorkerPool({ maxThreads: 1 });
    cleanup.push(() => pool.close());
    const { catalog, clients } = await buildCatalog(loaded.config, dir, logger, undefined, metrics);
    cleanup.push(() => closeUnusedClients(clients, undefined));

    const entry = loaded.config.pipeline.find((e) => e.id === id)!;
    const env: PluginEnv = {
      pluginId: id,
      logger: logger.child({ plugin: id }),
      config: loaded.config,
      configDir: dir,
      generation: 1,
      models: catalog,
      stores,
      metrics,
      pool,
    };
    const pluginConfig = entry.config as Readonly<C>;
    const instance = await definition.create(pluginConfig, env);
    let closing: Promise<void> | undefined;
    return {
      instance,
      config: pluginConfig,
      env,
      logs,
      close: () =>
        (closing ??= (async () => {
          try {
            await instance.close?.();
          } finally {
            await release();
          }
        })()),
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/** The phases a test can call: every hook of the contract but `close`. */
export type HookPhase = Exclude<keyof PluginInstance, 'close'>;
type Hook<P extends HookPhase> = NonNullable<PluginInstance[P]>;
/** What a phase takes after the context (`attempt`, `event`, `err`, `signal`). */
export type HookArgs<P extends HookPhase> = Hook<P> extends (ctx: RequestContext, ...rest: infer R) => unknown ? R : never;
export type HookResult<P extends HookPhase> = Awaited<ReturnType<Hook<P>>>;

/**
 * Calls one phase of an instance, as the executor would: awaits an async hook, and refuses
 * a promise from a phase that must be synchronous (`onStreamChunk`, `onAttempt`). What the
 * hook throws is thrown (the gateway would deny the request: see docs/plugins.md).
 *
 * @example
 *   const r = await runHook(t.instance, 'onRequest', fakeContext({ headers: {} }));
 *   assert.equal(r?.respond.status, 401);
 */
export async function runHook<P extends HookPhase>(
  target: PluginInstance | PluginUnderTest<unknown>,
  phase: P,
  ctx: RequestContext,
  ...args: HookArgs<P>
): Promise<HookResult<P>> {
  const instance: PluginInstance = 'instance' in target && typeof target.instance === 'object' ? target.instance : (target as PluginInstance);
  const hook = instance[phase] as ((ctx: RequestContext, ...rest: unknown[]) => unknown) | undefined;
  if (typeof hook !== 'function') throw new TypeError(`the plugin has no ${phase} hook`);
  const result = hook.call(instance, ctx, ...args);
  const sync = phase === 'onStreamChunk' || phase === 'onAttempt';
  if (sync && result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    throw new TypeError(`${phase} must be synchronous (it returned a promise)`);
  }
  return (await result) as HookResult<P>;
}
