/**
 * The plugin contract (DESIGN.md): named phases, compiled once per config generation into
 * arrays holding only the plugins that implement each phase, run by one executor for LLM
 * endpoints and proxy routes alike. Built-ins and third-party plugins use exactly this API.
 *
 * Phases, in the order a request meets them:
 * - `onHeaders` top→bottom, before the body is read (`ctx.body` and `ctx.model` are not
 *   there yet): refuse what the headers alone condemn (a missing or bad key), so a refused
 *   client's body is never read. `{ respond }` answers instead, like onRequest's.
 * - `onRequest` top→bottom; `{ respond }` answers instead (cache hit, 401, 429…) and the
 *   plugins below it are skipped.
 * - `invoke` (the terminal plugin; on a proxy route, the route's app answers instead).
 * - `onAttempt` once per upstream call the terminal makes (first try, retries, hedges,
 *   fallbacks): may set the call's trace context, and may return a function the engine
 *   calls once with the attempt's outcome.
 * - `onResponse` bottom→top, over the plugins above where the answer came from.
 * - `onStreamChunk` per SSE event, bottom→top, synchronous. Registered only by plugins
 *   that act on streams; an event returned as it came keeps the upstream's bytes.
 * - `onError` bottom→top when a phase failed; `{ respond }` answers instead.
 * - `onDone` after the last byte, off the hot path (usage and cost are final by then).
 * Any hook may be async (except `onStreamChunk` and `onAttempt`); a hook that throws or
 * rejects is a plugin failure: the request is denied with a generic error (if its answer has
 * not started), `gateway_plugin_errors_total{plugin,phase}` counts it, and the log names the
 * plugin, phase and cause.
 *
 * Per-request state a plugin keeps for itself goes in a slot it declares in `create()`
 * (`stateKey`): each instance has its own, so two entries of one plugin never share one.
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
import type { FailureClass } from './routing/classify.ts';

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
   * The upstream's own text for `data` when it is already OpenAI-shaped. The server writes
   * it as it came while every stream hook returns the event it was given; a hook that
   * changes the chunk returns a new event (never mutate `data`), which is serialised.
   */
  raw?: string;
  /**
   * The prompt's usage when the upstream reports it before the answer (Anthropic's
   * message_start): input and cache tokens, completion 0. The final usage still comes on
   * the usage chunk; this lets a codec report input tokens at the start of a stream.
   */
  promptUsage?: Usage;
}

/** How a streamed answer ended, as its writer reports it to `settle`. */
export interface StreamEnd {
  /** The usage chunk's usage, if one passed. */
  usage?: Usage;
  /** The stream failed mid-way with this. */
  error?: unknown;
  /** The client went away (or the stream was dropped) before the end. */
  aborted?: boolean;
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
  /**
   * Set by the engine's dispatcher on a stream from an upstream call: the stream's writer
   * calls it once when the stream is over, which closes the attempt's books (health,
   * breaker, `onAttempt` outcome). A plugin that replaces the response keeps it
   * (`{ ...res, events }`).
   */
  settle?(end: StreamEnd): void;
}

export type UpstreamResponse = JsonUpstreamResponse | StreamUpstreamResponse;

/** One upstream call as the `onAttempt` phase sees it. */
export interface UpstreamAttempt {
  /** 1 for the request's first upstream call, then 2, 3… across retries, hedges and fallbacks. */
  readonly number: number;
  readonly deployment: Deployment;
  /**
   * W3C trace context sent with this call: the request's (`ctx.traceparent`) unless a
   * plugin sets its own here, e.g. a tracing plugin's span for this attempt.
   */
  traceparent?: string;
  tracestate?: string;
}

/** `ok`, `aborted` (a hedge lost, the client left) or the failure's class. */
export type AttemptOutcome = 'ok' | 'aborted' | FailureClass;

/** What `onAttempt` may return: called once with the attempt's outcome when it settles. */
export type AttemptEnd = (outcome: AttemptOutcome) => void;

export interface PluginInstance {
  /**
   * Headers phase, top→bottom, before the request body is read (on a proxy route, before
   * anything is forwarded): `ctx.body` and `ctx.model` are not set yet. Throw (or return
   * `{ respond }`) to refuse on the headers alone: the body is then never read and the
   * connection is closed, so a client refused here cannot hold a socket with a slow body.
   */
  onHeaders?(ctx: RequestContext): MaybePromise<void | ShortCircuit>;
  /** Request phase, top→bottom, with the body. Return `{ respond }` to short-circuit. */
  onRequest?(ctx: RequestContext): MaybePromise<void | ShortCircuit>;
  /** Terminal plugins only: produce the response. */
  invoke?(ctx: RequestContext, signal: AbortSignal): Promise<UpstreamResponse>;
  /**
   * Synchronous, as each upstream call starts (first try, retry, hedge, fallback). Set
   * `attempt.traceparent` to send that call your trace context; return a function to
   * learn the attempt's outcome (called once, when it settles: for a stream, at its end).
   * Throwing fails the request closed, like any other phase.
   */
  onAttempt?(ctx: RequestContext, attempt: UpstreamAttempt): void | AttemptEnd;
  /**
   * Response phase, bottom→top, after `invoke` (or a short-circuit below this plugin). On a
   * proxy route it runs once the app's answer has gone out: it observes, it cannot rewrite.
   */
  onResponse?(ctx: RequestContext): MaybePromise<void>;
  /**
   * Synchronous, per SSE event, bottom→top. Return the event as it came to keep the
   * upstream's bytes, a new event to rewrite it, or null to drop it. Implement it only
   * when the plugin acts on streams (register it conditionally at create time): its mere
   * presence costs every streamed request a call per event.
   */
  onStreamChunk?(ctx: RequestContext, event: StreamEvent): StreamEvent | null;
  /** A phase failed; a plugin may turn the error into a response (e.g. a fallback). */
  onError?(ctx: RequestContext, err: GatewayError): MaybePromise<void | ShortCircuit>;
  /**
   * After the last byte went out (usage and cost final, stream included), off the hot path.
   * Not awaited; an async one's rejection is caught and counted like a throw.
   */
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
