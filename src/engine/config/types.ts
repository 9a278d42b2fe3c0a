/**
 * The shape of a validated `gateway.yaml` (after interpolation, defaults and freezing).
 * These names are public: ops and outside tests rely on them (DESIGN.md's config
 * contract). `schemas/gateway.schema.json` is the source of truth for what is accepted;
 * keep this file in step with it.
 */
import type { Capability } from '../openai-types.ts';
import type { PluginDefinition } from '../types.ts';

export interface TimeoutsConfig {
  /** TCP/TLS connect. */
  connect_ms?: number;
  /** From request sent to the first response byte (headers). */
  first_byte_ms?: number;
  /** Longest silence between two body chunks (streams). */
  idle_ms?: number;
  /** Whole request, first byte to last. */
  total_ms?: number;
}

export interface RetryConfig {
  attempts?: number;
  base_delay_ms?: number;
  max_delay_ms?: number;
}

export interface ProviderConfig {
  type: string;
  base_url?: string;
  api_key?: string;
  headers?: Record<string, string>;
  timeouts?: TimeoutsConfig;
  retry?: RetryConfig;
  /** Max sockets to this upstream (undici pool size). */
  connections?: number;
  /** Adapter-specific settings (e.g. Azure's api_version, Anthropic's version header). */
  options?: Record<string, unknown>;
}

export interface PricingConfig {
  input_per_1m: number;
  output_per_1m: number;
  cached_input_per_1m?: number;
}

export interface ModelConfig {
  /** What clients send. Several entries may share a name: they form a model group. */
  name: string;
  provider: string;
  /** The upstream model (or deployment) id. */
  model: string;
  context_window?: number;
  max_output_tokens?: number;
  pricing?: PricingConfig;
  capabilities?: Capability[];
  weight?: number;
  rpm?: number;
  tpm?: number;
  timeouts?: TimeoutsConfig;
  retry?: RetryConfig;
  /** Free-form labels, e.g. for routing rules. */
  tags?: string[];
  [k: string]: unknown;
}

export interface PipelineEntry {
  /** A built-in plugin name, `./plugins/<name>` (relative to the config file) or a package name. */
  use: string;
  config?: Record<string, unknown>;
  /** Optional instance id when the same plugin appears twice; defaults to `use`. */
  id?: string;
}

export interface RouteConfig {
  path: string;
  proxy: {
    target: string;
    /** Regex (string) → replacement, applied to the path before forwarding. */
    path_rewrite?: Record<string, string>;
    headers?: { set?: Record<string, string>; remove?: string[] };
    ws?: boolean;
    timeout_ms?: number;
    /** Pass the client's Authorization / x-api-key on to the app (default: dropped). */
    forward_auth?: boolean;
  };
  pipeline?: PipelineEntry[];
}

export interface ServerConfig {
  port: number;
  host: string;
  body_limit: string;
  cors: { origins: string[]; methods?: string[]; headers?: string[]; credentials?: boolean; max_age?: number };
  /** Seconds to let in-flight requests finish on SIGTERM. */
  shutdown_grace_s?: number;
  /** Seconds /readyz answers 503 on SIGTERM, still serving, before the listener closes. */
  drain_delay?: number;
  /** Serve the LLM API beyond loopback with no `auth` plugin, on purpose. Default false. */
  allow_unauthenticated?: boolean;
  /** Load balancers whose X-Forwarded-* headers are believed: addresses, CIDRs, loopback/linklocal/uniquelocal. */
  trust_proxy?: string[];
  /** How long a client may take to send a request, and to keep an idle connection. */
  timeouts?: ServerTimeoutsConfig;
  /** Open connections one client address may hold; unset: no cap. */
  max_connections_per_ip?: number;
}

/** Receiving bounds (never answering ones): defaults 10 s, 30 s, 65 s. */
export interface ServerTimeoutsConfig {
  /** First byte of a request to the end of its headers. */
  headers_ms?: number;
  /** End of the headers to the last byte of the body. */
  body_ms?: number;
  /** Idle time allowed between two requests on a keep-alive connection. */
  keep_alive_ms?: number;
}

export interface PluginsConfig {
  /** Folders `use:` / `type:` paths may point into (relative to the config file). Default [./plugins]. */
  roots: string[];
}

/** How long usage and audit rows are kept (days; unset: forever). */
export interface DbRetentionConfig {
  usage_days?: number;
  audit_days?: number;
}

export interface PostgresDbConfig {
  type: 'postgres';
  url: string;
  pool?: { max?: number; connect_timeout_ms?: number; idle_timeout_ms?: number; statement_timeout_ms?: number };
  buffer?: { max_rows?: number; flush_ms?: number; batch?: number };
  retention?: DbRetentionConfig;
}

/** Where `stores.state` finds Redis: one node, the master Sentinels name, or a Cluster. */
export type RedisTarget = { url: string } | { sentinel: RedisSentinelConfig } | { cluster: RedisClusterConfig };

export interface RedisSentinelConfig {
  /** The master's name in the Sentinels' config. */
  name: string;
  /** Sentinel addresses, `host:port` each. */
  nodes: string[];
  username?: string;
  password?: string;
  sentinel_username?: string;
  sentinel_password?: string;
  db?: number;
  tls?: boolean;
}

export interface RedisClusterConfig {
  /** Seed nodes, `host:port` each. */
  nodes: string[];
  username?: string;
  password?: string;
  tls?: boolean;
}

export interface StoresConfig {
  state: { type: 'memory' } | ({ type: 'redis'; prefix?: string } & RedisTarget);
  db: { type: 'sqlite'; path: string; retention?: DbRetentionConfig } | { type: 'memory' } | PostgresDbConfig;
}

export interface AdminConfig {
  /** The admin key (usually `${GATEWAY_ADMIN_KEY}`); compared as a hash, never logged. */
  key?: string;
}

export interface GatewayConfig {
  version: 1;
  server: ServerConfig;
  stores: StoresConfig;
  admin?: AdminConfig;
  logging?: { level?: string };
  plugins?: PluginsConfig;
  providers: Record<string, ProviderConfig>;
  models: ModelConfig[];
  pipeline: PipelineEntry[];
  routes?: RouteConfig[];
  /** Keys declared statically for small set-ups (issue 4). */
  keys?: Array<Record<string, unknown>>;
  /** The Responses API's stored responses (`store`, `previous_response_id`). */
  responses?: { store_ttl_seconds?: number };
  [k: string]: unknown;
}

/** A config loaded from disk, with what the admin API and the reload log report. */
export interface LoadedConfig {
  config: Readonly<GatewayConfig>;
  /** sha256 of the file's bytes (before interpolation, so no secret is hashed into it). */
  hash: string;
  file: string;
  /** Directory of the file: `./plugins/x` resolves against it. */
  dir: string;
  /** The plugin definitions validation resolved, entry for entry: generations build from these. */
  definitions: ResolvedDefinitions;
}

/** Plugin definitions of `pipeline` and of each route's pipeline, in config order. */
export interface ResolvedDefinitions {
  pipeline: readonly PluginDefinition[];
  routes: ReadonlyArray<readonly PluginDefinition[]>;
}
