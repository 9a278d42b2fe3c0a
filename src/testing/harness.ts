/**
 * `startPluginHarness`: a plugin (or provider adapter) run through the engine's real
 * `startGateway` — config validated with the plugin's schema and `checkConfig`, the
 * pipeline compiled, requests served over a real socket — in front of a scripted
 * OpenAI-compatible upstream. Nothing of the engine is mocked: the definitions under test
 * are loaded as modules the way a config names them (shim.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startGateway, type RunningGateway } from '../engine/server/gateway.ts';
import { createLogger } from '../engine/logger.ts';
import type { PluginDefinition, ProviderAdapterDefinition } from '../engine/types.ts';
import type { ModelConfig, ProviderConfig } from '../engine/config/types.ts';
import { shimModule, type Shim } from './shim.ts';
import { startScriptedUpstream, type ScriptedUpstream, type UpstreamScript } from './upstream.ts';
import { metricValue, postChat, postStream, type ChatResult, type RequestInit, type StreamResult } from './client.ts';

/**
 * Any plugin definition, whatever its config type: `create` and `checkConfig` are methods,
 * whose parameters TypeScript compares both ways, and `never` fits every config type.
 */
export type AnyPluginDefinition = PluginDefinition<never>;

/** A pipeline entry: a built-in or package name, a definition, or either with its config. */
export type PipelineItem = string | AnyPluginDefinition | { use: string | AnyPluginDefinition; config?: Record<string, unknown>; id?: string };

export interface HarnessOptions {
  /** The plugin under test. */
  plugin?: AnyPluginDefinition;
  /** Its `config:` as gateway.yaml would say it (the engine validates it and applies defaults). */
  config?: Record<string, unknown>;
  /** Its entry's `id` (named in logs and metrics); default its `name`. */
  id?: string;
  /** The whole pipeline, `plugin` in its place; default `[plugin, 'provider']` (`[plugin]` for a terminal one). */
  pipeline?: readonly PipelineItem[];
  /** What the upstream answers; default: an echo of the last user message. */
  upstream?: UpstreamScript;
  /** A provider adapter under test: the upstream provider's `type`. Default: the built-in `openai`. */
  adapter?: ProviderAdapterDefinition;
  /** Merged into the upstream provider's entry (`options`, `retry`, `timeouts`…). Retries are off unless set here. */
  provider?: Partial<ProviderConfig>;
  /** `models:`; default one model `test-model` on the upstream provider. */
  models?: readonly ModelConfig[];
  /** More of gateway.yaml (e.g. `routes`, `keys`, `server`), merged over the harness's. */
  gateway?: Record<string, unknown>;
  /** Variables for `${VAR}` in the config (the process's environment is not read). */
  env?: Record<string, string | undefined>;
  /** Captured log level; default `debug`. */
  logLevel?: string;
}

export interface PluginHarness {
  /** The gateway's base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  gateway: RunningGateway;
  upstream: ScriptedUpstream;
  /** The gateway.yaml the harness wrote (JSON, which is YAML). */
  configText: string;
  /** Every log line so far, parsed (pino's JSON: `level`, `msg`, `plugin`, `err`…). */
  readonly logs: Array<Record<string, unknown>>;
  /** POST /v1/chat/completions; the body defaults to `test-model` and one user message. */
  chat(body?: Record<string, unknown>, init?: RequestInit): Promise<ChatResult>;
  /** The same, streamed (`stream: true`), every event read. */
  stream(body?: Record<string, unknown>, init?: RequestInit): Promise<StreamResult>;
  /** The Prometheus text the gateway's registry holds now. */
  metrics(): Promise<string>;
  /** One metric's value (summed over series whose labels include `labels`; 0 when none). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export const TEST_MODEL = 'test-model';
const DEFAULT_BODY = { model: TEST_MODEL, messages: [{ role: 'user', content: 'Hello' }] };

/**
 * @example
 *   const h = await startPluginHarness({ plugin: tagger, config: { header: 'x-team', value: 'search' }, upstream: [{ content: 'Hi' }] });
 *   const r = await h.chat();
 *   assert.equal(r.headers.get('x-team'), 'search');
 *   await h.close();
 */
export async function startPluginHarness(opts: HarnessOptions = {}): Promise<PluginHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gateway-harness-'));
  const shims: Shim[] = [];
  let upstream: ScriptedUpstream | undefined;
  const releaseAll = () => shims.forEach((s) => s.release());
  try {
    upstream = await startScriptedUpstream(opts.upstream);
    const shim = async (def: AnyPluginDefinition | ProviderAdapterDefinition, label: string) => {
      const s = await shimModule(path.join(dir, 'plugins'), label, def);
      shims.push(s);
      return s.use;
    };
    const pipeline = await pipelineEntries(opts, shim);
    const providerType = opts.adapter ? await shim(opts.adapter, opts.adapter.type) : 'openai';
    const config = {
      version: 1,
      server: { drain_delay: 0 },
      stores: { state: { type: 'memory' }, db: { type: 'memory' } },
      providers: {
        upstream: { type: providerType, base_url: upstream.url, api_key: 'sk-harness-0123456789abcdef', retry: { attempts: 1 }, ...opts.provider },
      },
      models: opts.models ?? [{ name: TEST_MODEL, provider: 'upstream', model: TEST_MODEL }],
      pipeline,
      ...opts.gateway,
    };
    const configText = JSON.stringify(config, null, 2) + '\n';
    const configPath = path.join(dir, 'gateway.yaml');
    await writeFile(configPath, configText);

    const logs: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const logger = createLogger({ level: opts.logLevel ?? 'debug', destination: sink });
    const gateway = await startGateway({ configPath, port: 0, host: '127.0.0.1', logger, env: opts.env ?? {}, watch: false, defaultMetrics: false });
    const up = upstream;
    const completions = `${gateway.url}/v1/chat/completions`;
    let closing: Promise<void> | undefined;
    return {
      url: gateway.url,
      gateway,
      upstream: up,
      configText,
      logs,
      chat: (body = {}, init) => postChat(completions, { ...DEFAULT_BODY, ...body }, init),
      stream: (body = {}, init) => postStream(completions, { ...DEFAULT_BODY, ...body, stream: true }, init),
      metrics: async () => (await gateway.metrics.render()).body,
      metric: async (name, labels) => metricValue((await gateway.metrics.render()).body, name, labels),
      close: () =>
        (closing ??= (async () => {
          await gateway.close(2000);
          await up.close();
          releaseAll();
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await upstream?.close();
    releaseAll();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

type ShimFn = (def: AnyPluginDefinition, label: string) => Promise<string>;

/** gateway.yaml's `pipeline:` for the options, each definition given a shim module. */
async function pipelineEntries(opts: HarnessOptions, shim: ShimFn): Promise<Array<Record<string, unknown>>> {
  const { plugin } = opts;
  const items: readonly PipelineItem[] = opts.pipeline ?? (plugin ? (plugin.terminal ? [plugin] : [plugin, 'provider']) : ['provider']);
  if (plugin && opts.pipeline && !opts.pipeline.includes(plugin)) {
    throw new Error('llm-gateway/testing: `pipeline` must include `plugin` (the definition object itself) where it should run');
  }
  if (!plugin && (opts.config !== undefined || opts.id !== undefined)) throw new Error('llm-gateway/testing: `config` and `id` are for `plugin`; give it');
  const out: Array<Record<string, unknown>> = [];
  for (const item of items) {
    const entry = typeof item === 'string' || isDefinition(item) ? { use: item } : item;
    const use = typeof entry.use === 'string' ? entry.use : await shim(entry.use, entry.use.name);
    const own = item === plugin ? { config: opts.config, id: opts.id } : { config: entry.config, id: entry.id };
    // A definition's instance is named by its name in logs and metrics, not by its shim's path.
    const id = own.id ?? (typeof entry.use === 'string' ? undefined : entry.use.name);
    out.push({ use, ...(id === undefined ? {} : { id }), ...(own.config === undefined ? {} : { config: own.config }) });
  }
  return out;
}

function isDefinition(item: PipelineItem): item is AnyPluginDefinition {
  return typeof item === 'object' && typeof (item as { create?: unknown }).create === 'function';
}
