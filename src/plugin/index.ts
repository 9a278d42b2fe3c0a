/**
 * `llm-gateway/plugin`: the one import path of the plugin API for plugins and provider
 * adapters outside this repository (and for the examples in plugins/). Everything here is
 * re-exported from the engine — no type is copied — so a plugin compiles against exactly
 * what the engine runs. The contract's phases, context and env are documented in
 * src/engine/types.ts and docs/plugins.md.
 *
 * @example
 *   import { definePlugin, stateKey, gatewayError } from 'llm-gateway/plugin';
 */

// The contract: phases, definitions, env, responses, deployments, adapters, ENGINE_API_VERSION.
// All of types.ts, so a phase added there reaches plugins without an edit here.
export * from '../engine/types.ts';
export { definePlugin, defineAdapter, type FromSchema, type PluginConfigOf } from './define.ts';

// Per-request context and per-instance state slots.
export { stateKey, type RequestContext, type StateKey, type RouteDecision, type Principal, type Endpoint } from '../engine/context.ts';

// Errors clients see: the one registry.
export { gatewayError, GatewayError, isGatewayError, ERRORS, type ErrorCode, type ErrorSpec, type GatewayErrorOptions } from '../engine/errors.ts';

// Handles in `env`: metrics (prom-client metrics, registered once per process), the shared
// state store (memory or Redis), the worker pool, the logger.
export type { MetricsRegistry, MetricOpts } from '../engine/metrics.ts';
export type { Counter, Gauge, Histogram } from 'prom-client';
export type { StateStore, RedisClient } from '../engine/stores/state.ts';
export type { WorkerPool } from '../engine/workers/pool.ts';
export type { Logger } from 'pino';

// What an upstream attempt's outcome and a route's policy are made of.
export type { FailureClass } from '../engine/routing/classify.ts';
export type { RoutingPolicy } from '../engine/routing/policy.ts';

// The wire format plugins read and write (canonical, OpenAI-shaped).
export type {
  Capability,
  ChatCompletion,
  ChatCompletionChunk,
  ChatMessage,
  ChatRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  Usage,
} from '../engine/openai-types.ts';

// The validated gateway.yaml a plugin sees in `env.config`.
export type { GatewayConfig, ModelConfig, ProviderConfig, PipelineEntry } from '../engine/config/types.ts';

// The base an OpenAI-compatible vendor's adapter is built on (pooled connections, timeouts,
// SSE, usage on streams, the shared upstream error taxonomy).
export { openaiCompatibleClient, type OpenAICompatibleSpec } from '../plugins-builtin/provider/adapters/openai/base.ts';
