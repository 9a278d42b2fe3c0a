/**
 * Values a unit test hands one hook: a request context and a deployment. Both are the
 * engine's own types filled with plausible defaults — `fakeContext` builds a real
 * RequestContext (typed slots, `setBody`, `header()` behave as in a gateway), not a
 * look-alike object that could drift from it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { RequestContext, type Endpoint } from '../engine/context.ts';
import { silentLogger } from '../engine/logger.ts';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../engine/catalog.ts';
import type { Deployment, UpstreamAttempt } from '../engine/types.ts';
import type { Capability } from '../engine/openai-types.ts';

export interface FakeContextInit {
  /** The parsed request body; default a chat request to `test-model` saying "Hello". `null` for none. */
  body?: unknown;
  /** Request headers (lower-case names, as Node gives them). */
  headers?: IncomingHttpHeaders;
  endpoint?: Endpoint;
  method?: string;
  path?: string;
  clientIp?: string;
  id?: string;
  generation?: number;
  /** Default: a logger that drops everything. */
  log?: Logger;
  /** Aborted when the test says the client left; default a signal that never aborts. */
  signal?: AbortSignal;
}

let requests = 0;

/**
 * @example
 *   const ctx = fakeContext({ headers: { 'x-team': 'search' } });
 *   await runHook(instance, 'onRequest', ctx);
 *   ctx.responseHeaders['x-team']
 */
export function fakeContext(init: FakeContextInit = {}): RequestContext {
  const body = init.body === null ? undefined : (init.body ?? { model: 'test-model', messages: [{ role: 'user', content: 'Hello' }] });
  return new RequestContext({
    id: init.id ?? `req-test-${++requests}`,
    endpoint: init.endpoint ?? 'chat',
    method: init.method ?? 'POST',
    path: init.path ?? '/v1/chat/completions',
    headers: init.headers ?? { 'content-type': 'application/json' },
    clientIp: init.clientIp ?? '127.0.0.1',
    generation: init.generation ?? 1,
    log: init.log ?? silentLogger(),
    signal: init.signal ?? new AbortController().signal,
    body,
    rawBody: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
}

/**
 * A deployment as the catalog builds one, for `onAttempt` and anything reading
 * `ctx.deployment`.
 *
 * @example
 *   fakeDeployment({ provider: 'openai', model: 'gpt-4o-mini', pricing: { input_per_1m: 0.15, output_per_1m: 0.6 } })
 */
export function fakeDeployment(overrides: Partial<Deployment> = {}): Deployment {
  const provider = overrides.provider ?? 'upstream';
  const model = overrides.model ?? 'test-model';
  const name = overrides.name ?? model;
  const capabilities: ReadonlySet<Capability> = new Set<Capability>(['chat', 'stream']);
  return {
    id: `${provider}/${model}`,
    name,
    provider,
    providerType: 'openai',
    model,
    capabilities,
    weight: 1,
    timeouts: DEFAULT_TIMEOUTS,
    retry: DEFAULT_RETRY,
    tags: [],
    config: { name, provider, model },
    ...overrides,
  };
}

/**
 * One upstream call as `onAttempt` sees it.
 *
 * @example
 *   const end = await runHook(instance, 'onAttempt', ctx, fakeAttempt({ number: 2 }));
 */
export function fakeAttempt(overrides: Partial<UpstreamAttempt> = {}): UpstreamAttempt {
  return { number: 1, deployment: fakeDeployment(), ...overrides };
}
