/**
 * The plugin contract (DESIGN.md): named phases, built once per config generation,
 * skipped when a plugin does not implement them. Built-ins and third-party plugins use
 * exactly this API.
 *
 * @example
 *   const plugin: PluginDefinition<{ header: string }> = {
 *     name: 'stamp', version: '1.0.0', engine: '^1',
 *     configSchema: { type: 'object', properties: { header: { type: 'string', default: 'x-stamp' } }, additionalProperties: false },
 *     create(config) {
 *       return { onResponse(ctx) { ctx.responseHeaders[config.header] = '1'; } };
 *     },
 *   };
 */
import type { Logger } from 'pino';
import type { RequestContext } from './context.ts';
import type { GatewayError } from './errors.ts';
import type { ChatCompletionChunk, Capability, Usage } from './openai-types.ts';
import type { GatewayConfig, ModelConfig, ProviderConfig, TimeoutsConfig, RetryConfig } from './config/types.ts';
import type { StateStore } from './stores/state.ts';
import type { MetricsRegistry } from './metrics.ts';
import type { WorkerPool } from './workers/pool.ts';

/** The version of this plugin API; a plugin's `engine` range is checked against it. */
export const ENGINE_API_VERSION = '1.0.0';

export type JSONSchema = Record<string, unknown>;
export type MaybePromise<T> = T | Promise<T>;

/** A response a plugin sends instead of going on (cache hit, 401, 429…). */
export interface ShortCircuit {
  respond: UpstreamResponse;
}

/** One SSE event of a streamed chat completion, in canonical (OpenAI chunk) form. */
export interface StreamEvent {
  data: ChatCompletionChunk;
  /**
   * The upstream's own bytes for `data` when they are already OpenAI-shaped; the server
   * writes them as they came unless a plugin rewrote the chunk (then it re-serialises).
   */
  raw?: string;
  /**
   * The prompt's usage when the upstream reports it before the answer (Anthropic's
   * message_start): input and cache tokens, completion 0. The final usage still comes on
   * the usage chunk; this lets a codec report input tokens at the start of a stream.
   */
  promptUsage?: Usage;
}

export interface JsonUpstreamResponse {
  kind: 'json';
  status: number;
  headers: Record<string, string>;
  /** Canonical (OpenAI-shaped) body. */
  body: unknown;
  /** Upstream bytes equal to `body`, forwarded as they are when no plugin changed the body. */
  raw?: Buffer;
}

export interface StreamUpstreamResponse {
  kind: 'stream';
  status: number;
  headers: Record<string, string>;
  /**
   * Canonical chunks. The iterator throws a GatewayError when the upstream fails mid-way
   * (reset, idle timeout, truncated stream, provider `error` event). Returning from it
   * (client gone) must abort the upstream request.
   */
  events: AsyncIterable<StreamEvent>;
}

export type UpstreamResponse = JsonUpstreamResponse | StreamUpstreamResponse;

export interface PluginInstance {
  /** Request phase, top→bottom. Return `{ respond }` to short-circuit. */
  onRequest?(ctx: RequestContext): MaybePromise<void | ShortCircuit>;
  /** Terminal plugins only: produce the response. */
  invoke?(ctx: RequestContext, signal: AbortSignal): Promise<UpstreamResponse>;
  /** Response phase, bottom→top, after `invoke` (or a short-circuit below this plugin). */
  onResponse?(ctx: RequestContext): MaybePromise<void>;
  /** Synchronous, per SSE event, bottom→top. Return null to drop the event. */
  onStreamChunk?(ctx: RequestContext, event: StreamEvent): StreamEvent | null;
  /** A phase failed; a plugin may turn the error into a response (e.g. a fallback). */
  onError?(ctx: RequestContext, err: GatewayError): MaybePromise<void | ShortCircuit>;
  /** After the last byte went out (usage final, stream included), off the hot path. */
  onDone?(ctx: RequestContext): void;
  /** The generation that created this instance has drained. */
  close?(): Promise<void>;
}

export interface PluginDefinition<C = Record<string, unknown>> {
  name: string;
  version: string;
  /** Semver range of ENGINE_API_VERSION this plugin was written for. */
  engine: string;
  /** JSON Schema of `config`; defaults are applied and the result deep-frozen. */
  configSchema: JSONSchema;
  terminal?: true;
  /** One-line description (shown by `llm-gateway validate` and docs). */
  description?: string;
  create(config: Readonly<C>, env: PluginEnv): MaybePromise<PluginInstance>;
  /**
   * Checks of `config` that its JSON Schema cannot express (a regex that must compile, a
   * model that must exist, where in the pipeline the plugin sits). Pure: no stores, no
   * I/O. Run when a config loads — `llm-gateway validate` and every reload — so each issue
   * is reported located in the file like a schema error, before anything is created.
   */
  checkConfig?(config: Readonly<C>, env: PluginCheckEnv): PluginConfigIssue[];
}

/** What `checkConfig` may look at. */
export interface PluginCheckEnv {
  /** The whole config, validated and defaulted (this entry's `config` is part of it). */
  config: Readonly<GatewayConfig>;
  /** Where this entry's config sits: `pipeline[2].config`, `routes[0].pipeline[1].config`. */
  at: string;
  /** Whether `models:` declares this client-facing name. */
  hasModel(name: string): boolean;
}

/** A config problem found by `checkConfig`; `path` is a full config path starting with `env.at`. */
export interface PluginConfigIssue {
  path: string;
  message: string;
}

/** What the engine hands a plugin at create time. Stable across a generation. */
export interface PluginEnv {
  /** The plugin instance's id (its `use`, or `id` when given). */
  pluginId: string;
  logger: Logger;
  config: Readonly<GatewayConfig>;
  configDir: string;
  generation: number;
  models: ModelCatalog;
  stores: Stores;
  metrics: MetricsRegistry;
  pool: WorkerPool;
}

export interface Stores {
  /** Counters, cache, breakers: memory or Redis. */
  state: StateStore;
  /** Keys, users, usage, audit: SQLite by default. Typed by the db module. */
  db: unknown;
}

// ---- Models and providers -------------------------------------------------------------

/** One concrete (provider, upstream model) behind a client-facing name. */
export interface Deployment {
  /** Stable id, `<provider>/<model>` (suffixed `#n` when the same pair repeats). */
  id: string;
  /** The client-facing name. */
  name: string;
  provider: string;
  providerType: string;
  /** The upstream model id. */
  model: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  pricing?: { input_per_1m: number; output_per_1m: number; cached_input_per_1m?: number };
  capabilities: ReadonlySet<Capability>;
  weight: number;
  rpm?: number;
  tpm?: number;
  timeouts: Required<TimeoutsConfig>;
  retry: Required<RetryConfig>;
  tags: readonly string[];
  config: Readonly<ModelConfig>;
}

export interface ModelCatalog {
  /** Deployments for a client-facing name, or undefined. */
  group(name: string): readonly Deployment[] | undefined;
  names(): readonly string[];
  all(): readonly Deployment[];
  provider(name: string): ProviderClient | undefined;
}

export interface CallOptions {
  signal: AbortSignal;
  requestId: string;
  deployment: Deployment;
  timeouts: Required<TimeoutsConfig>;
  /**
   * The client's original bytes while no plugin changed the request; an adapter whose
   * upstream body would equal them (OpenAI-compatible, same model id) may send them as
   * they are instead of serialising again.
   */
  rawBody?: Buffer;
  /** The client-facing model name the client sent (rawBody names this one). */
  requestedModel?: string;
  /** W3C trace context for the upstream request (RequestContext.traceparent/tracestate). */
  traceparent?: string;
  tracestate?: string;
}

/** A provider adapter bound to one `providers.<name>` entry. */
export interface ProviderClient {
  readonly name: string;
  readonly type: string;
  /** What models of this adapter support unless a model says otherwise. */
  readonly defaultCapabilities: readonly Capability[];
  /** `body.model` is already the upstream id. */
  chat(body: import('./openai-types.ts').ChatRequest, call: CallOptions): Promise<UpstreamResponse>;
  embeddings?(body: import('./openai-types.ts').EmbeddingsRequest, call: CallOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** What an adapter gets besides its config: a logger, and the metrics registry (absent in unit tests). */
export interface AdapterEnv {
  logger: Logger;
  metrics?: MetricsRegistry;
}

export interface ProviderAdapterDefinition {
  type: string;
  defaultCapabilities: readonly Capability[];
  /** JSON Schema for `providers.<name>.options`. */
  optionsSchema?: JSONSchema;
  create(name: string, config: Readonly<ProviderConfig>, env: AdapterEnv): ProviderClient;
}
