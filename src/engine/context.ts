/**
 * Per-request state. Fields every plugin needs are typed members (who is calling, the
 * route decision, usage, cost…); anything a plugin keeps for itself goes in a typed slot
 * (after Kong's llm ctx and Hono's typed c.get/c.set). A slot belongs to the plugin
 * instance that declared it: `stateKey<T>(name)` called in `create()` makes a key no other
 * instance holds, so two entries of one plugin in a pipeline never share a slot, and a
 * reload's new instances never see the old ones' state. The name is for debugging only.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayError } from './errors.ts';
import type { Deployment, UpstreamResponse } from './types.ts';
import type { Usage } from './openai-types.ts';
import type { CompiledPipeline } from './compile.ts';
import type { PluginFailureHook } from './executor.ts';
import type { RoutingPolicy } from './routing/policy.ts';
import type { BudgetSpec, KeyLimits } from './stores/db/types.ts';

export type Endpoint = 'chat' | 'embeddings' | 'messages' | 'count_tokens' | 'responses' | 'models' | 'proxy';

export interface StateKey<T> {
  readonly name: string;
  /** Phantom field: carries T for the compiler only. */
  readonly __type?: T;
}

/** W3C trace-context `traceparent`, version 00: trace id and parent id, neither all zeros. */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** W3C caps tracestate at 32 list members; 512 characters is what vendors must keep. */
const MAX_TRACESTATE = 512;

/**
 * Declare a per-request state slot. Call it in your plugin's `create()`: each call makes a
 * distinct slot, so each instance gets its own (a key made at module level would be shared
 * by every instance of the plugin).
 *
 * @example
 *   create() { const PENDING = stateKey<Pending>('my-plugin.pending'); return { onRequest(ctx) { ctx.set(PENDING, …) } }; }
 */
export function stateKey<T>(name: string): StateKey<T> {
  return Object.freeze({ name });
}

/**
 * The routing decision: set by a router plugin in the request phase, completed by the
 * dispatcher. One precedence rule for every field: what the router decided wins; where no
 * router ran (or it left a field unset), dispatch uses the provider plugin's own `routing`
 * config, else the defaults, and ranks the requested model's group itself.
 */
export interface RouteDecision {
  /** Deployments in the order to try them (fallback models are added by dispatch). */
  candidates: readonly Deployment[];
  /** Fallbacks, hedging, breaker thresholds and retry caps for this request. */
  policy?: RoutingPolicy;
  /** Why; dispatch appends what happened (fallbacks, attempts) and sends it as x-gateway-route-reason. */
  reason: string;
}

/** Who is calling, set by the auth plugin; read by limits, budgets, usage and audit. */
export interface Principal {
  keyId: string;
  /** The visible prefix of the key (safe to log). */
  keyPrefix: string;
  keyName?: string;
  userId?: string;
  teamId?: string;
  permissions?: {
    models?: readonly string[];
    endpoints?: readonly string[];
    providers?: readonly string[];
  };
  metadata?: Readonly<Record<string, unknown>>;
  /** Rate limits stored with the key (the rate-limit plugin's `key_limits` applies them). */
  limits?: Readonly<KeyLimits>;
  /** Budgets stored with the key, its user and its team (the budget plugin's `stored_budgets` applies them). */
  budgets?: Readonly<{ key: BudgetSpec | null; user: BudgetSpec | null; team: BudgetSpec | null }>;
}

export interface RequestContextInit {
  id: string;
  endpoint: Endpoint;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  clientIp: string;
  generation: number;
  /** The base logger; the context binds request_id to it when first used. */
  log: Logger;
  signal: AbortSignal;
  body?: unknown;
  rawBody?: Buffer;
  /** The compiled pipeline running this request (its onAttempt phase runs per upstream call). */
  pipeline?: CompiledPipeline;
  /** Counts plugin failures (gateway_plugin_errors_total). */
  onPluginFailure?: PluginFailureHook;
}

export class RequestContext {
  readonly id: string;
  readonly endpoint: Endpoint;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly clientIp: string;
  readonly generation: number;
  /** performance.now() at arrival. */
  readonly startedAt: number;
  /** Aborted when the client goes away (or the gateway gives up on the request). */
  readonly signal: AbortSignal;
  /** The engine's: the pipeline running this request, and how plugin failures are counted. */
  readonly pipeline?: CompiledPipeline;
  readonly onPluginFailure?: PluginFailureHook;
  private readonly baseLog: Logger;
  private requestLog?: Logger;

  /** The parsed, canonical (OpenAI-shaped) request body. */
  body: unknown;
  /** The bytes the client sent; forwarded as they are while `bodyChanged` is false. */
  rawBody?: Buffer;
  /** Set by `setBody`: plugins that rewrite the request must go through it. */
  bodyChanged = false;

  /** The client-facing model name asked for (the router may change it). */
  model?: string;
  /** The routing decision (router plugin, then dispatch); see RouteDecision for precedence. */
  route?: RouteDecision;
  /**
   * The prompt's tokens, when something counted them: the router (exact for OpenAI-family
   * models), or the provider for a stream that reports them up front (Anthropic's
   * message_start). Where unset, dispatch and codecs use the chars/4 estimate.
   */
  promptTokens?: number;
  /** The deployment that produced (or is producing) the response. */
  deployment?: Deployment;
  /** Upstream calls made so far (retries, hedges and fallbacks included). */
  attempts = 0;

  principal?: Principal;

  response?: UpstreamResponse;
  /** Final usage, settled by the engine before onDone (for streams: once the stream has ended). */
  usage?: Usage;
  /** USD, from usage × the deployment's pricing, settled with usage (a plugin may set it first: a cache hit costs 0). */
  cost?: number;
  /** performance.now() when the first response byte went to the client. */
  firstByteAt?: number;
  /** The HTTP status sent to the client. */
  status?: number;
  error?: GatewayError;
  /**
   * W3C trace context sent upstream with every provider call: the client's own (when
   * valid) until the tracing plugin replaces it with its span's, so the upstream's spans
   * join the caller's trace either way.
   */
  traceparent?: string;
  tracestate?: string;
  /** Headers plugins add to the client response (rate-limit headers, route explanation…). */
  readonly responseHeaders: Record<string, string> = {};

  /** Plugins' per-instance slots, made on first use (most requests of a lean pipeline set none). */
  private slots?: Map<StateKey<unknown>, unknown>;

  constructor(init: RequestContextInit) {
    this.id = init.id;
    this.endpoint = init.endpoint;
    this.method = init.method;
    this.path = init.path;
    this.headers = init.headers;
    this.clientIp = init.clientIp;
    this.generation = init.generation;
    this.baseLog = init.log;
    this.signal = init.signal;
    this.body = init.body;
    this.rawBody = init.rawBody;
    this.pipeline = init.pipeline;
    this.onPluginFailure = init.onPluginFailure;
    this.startedAt = performance.now();
    const tp = init.headers.traceparent;
    if (typeof tp === 'string' && TRACEPARENT.test(tp)) {
      this.traceparent = tp;
      const ts = init.headers.tracestate;
      if (typeof ts === 'string' && ts.length <= MAX_TRACESTATE) this.tracestate = ts;
    }
    const model = (init.body as { model?: unknown } | undefined)?.model;
    if (typeof model === 'string') this.model = model;
  }

  /**
   * The request's logger (request_id, and trace_id when the request carries a trace), made
   * on first use: most requests log nothing.
   */
  get log(): Logger {
    return (this.requestLog ??= this.baseLog.child(
      this.traceparent ? { request_id: this.id, trace_id: traceIdOf(this.traceparent) } : { request_id: this.id },
    ));
  }

  set log(logger: Logger) {
    this.requestLog = logger;
  }

  get<T>(key: StateKey<T>): T | undefined {
    return this.slots?.get(key) as T | undefined;
  }

  set<T>(key: StateKey<T>, value: T): void {
    (this.slots ??= new Map()).set(key, value);
  }

  /** Replace the request body; the original bytes are no longer forwarded. */
  setBody(body: unknown): void {
    this.body = body;
    this.bodyChanged = true;
  }

  /** A header as one string (first value when repeated). */
  header(name: string): string | undefined {
    const v = this.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  /** Whether the client asked for a streamed response. */
  get stream(): boolean {
    return (this.body as { stream?: unknown } | undefined)?.stream === true;
  }
}

/** The trace id of a valid `traceparent` (`00-<trace id>-<parent id>-<flags>`). */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}
