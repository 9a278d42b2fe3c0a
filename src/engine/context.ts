/**
 * Per-request state. Fields every plugin needs are typed members; anything a plugin
 * keeps for itself goes through a typed, namespaced StateKey (after Kong's llm ctx and
 * Hono's typed c.get/c.set): a key must be declared once with `stateKey<T>(name)`, so a
 * typo is a compile error and two plugins cannot silently share a slot.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayError } from './errors.ts';
import type { Deployment, UpstreamResponse } from './types.ts';
import type { Usage } from './openai-types.ts';

export type Endpoint = 'chat' | 'embeddings' | 'messages' | 'count_tokens' | 'responses' | 'models' | 'proxy';

export interface StateKey<T> {
  readonly name: string;
  /** Phantom field: carries T for the compiler only. */
  readonly __type?: T;
}

const declaredKeys = new Set<string>();

/** W3C trace-context `traceparent`, version 00: trace id and parent id, neither all zeros. */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** W3C caps tracestate at 32 list members; 512 characters is what vendors must keep. */
const MAX_TRACESTATE = 512;

/** Declare a per-request state slot; names are `<plugin>.<slot>` and must be unique. */
export function stateKey<T>(name: string): StateKey<T> {
  if (declaredKeys.has(name)) throw new Error(`state key "${name}" is declared twice`);
  declaredKeys.add(name);
  return Object.freeze({ name });
}

/** One upstream attempt as a tracing plugin sees it. */
export interface AttemptTrace {
  traceparent: string;
  /** `outcome` is `ok`, `aborted` or the failure class (`unavailable`, `timeout`…). */
  end(outcome: string): void;
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
  /** Candidate deployments in the order the provider plugin should try them. */
  candidates?: readonly Deployment[];
  /** The deployment that produced (or is producing) the response. */
  deployment?: Deployment;
  /** Why `candidates` is what it is (router decision; sent as x-gateway-route-reason). */
  routeReason?: string;
  attempts = 0;

  principal?: Principal;

  response?: UpstreamResponse;
  /** Final usage (for streams: once the stream has ended). */
  usage?: Usage;
  /** USD, from usage × the deployment's pricing. */
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
  /**
   * Set by a tracing plugin: called as each upstream attempt (first try, retry, hedge,
   * fallback) starts. Its traceparent goes upstream with that call instead of
   * `traceparent`; `end` is called once when the attempt is settled.
   */
  traceAttempt?: (d: Deployment) => AttemptTrace;
  /** Headers plugins add to the client response (rate-limit headers, route explanation…). */
  readonly responseHeaders: Record<string, string> = {};

  private readonly slots = new Map<string, unknown>();

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
    return this.slots.get(key.name) as T | undefined;
  }

  set<T>(key: StateKey<T>, value: T): void {
    this.slots.set(key.name, value);
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
