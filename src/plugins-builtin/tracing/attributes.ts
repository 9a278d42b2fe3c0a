/**
 * What a request's span is called and carries, after OpenTelemetry's HTTP and GenAI
 * semantic conventions (`{operation} {model}` names, `gen_ai.*` usage attributes). The
 * GenAI names are spelled out rather than imported: they live in the conventions' unstable
 * "incubating" entry point, which is not meant for libraries to depend on.
 * Never recorded: prompts, completions, API keys, identities (key, user, team).
 */
import type { Attributes } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { RequestContext } from '../../engine/context.ts';
import type { UpstreamAttempt } from '../../engine/types.ts';

const OPERATION: Partial<Record<RequestContext['endpoint'], string>> = { chat: 'chat', messages: 'chat', responses: 'chat', embeddings: 'embeddings' };

/** `{operation} {model}`: the client's model for the request, the upstream id for an attempt. */
export function spanName(ctx: RequestContext, model = ctx.model): string {
  const op = OPERATION[ctx.endpoint];
  if (op) return model ? `${op} ${model}` : op;
  // No GenAI operation (models list, proxy routes): the HTTP convention's low-cardinality name.
  return ctx.method;
}

function pathOnly(p: string): string {
  const q = p.indexOf('?');
  return q === -1 ? p : p.slice(0, q);
}

export function startAttributes(ctx: RequestContext): Attributes {
  const a: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: ctx.method,
    [ATTR_URL_PATH]: pathOnly(ctx.path),
    'gateway.request_id': ctx.id,
  };
  const op = OPERATION[ctx.endpoint];
  if (op) a['gen_ai.operation.name'] = op;
  if (ctx.model) a['gen_ai.request.model'] = ctx.model;
  const body = ctx.body as { max_tokens?: unknown; temperature?: unknown; stream?: unknown } | undefined;
  if (typeof body?.max_tokens === 'number') a['gen_ai.request.max_tokens'] = body.max_tokens;
  if (typeof body?.temperature === 'number') a['gen_ai.request.temperature'] = body.temperature;
  if (body?.stream === true) a['gateway.stream'] = true;
  return a;
}

export function endAttributes(ctx: RequestContext, status: number): Attributes {
  const a: Attributes = { [ATTR_HTTP_RESPONSE_STATUS_CODE]: status, 'gateway.attempts': ctx.attempts };
  const d = ctx.deployment;
  if (d) {
    a['gen_ai.provider.name'] = d.providerType;
    a['gen_ai.response.model'] = d.model;
    a['gateway.deployment'] = d.id;
  }
  if (ctx.usage) {
    a['gen_ai.usage.input_tokens'] = ctx.usage.prompt_tokens;
    if (typeof ctx.usage.completion_tokens === 'number') a['gen_ai.usage.output_tokens'] = ctx.usage.completion_tokens;
  }
  if (ctx.cost !== undefined) a['gateway.cost_usd'] = ctx.cost;
  if (ctx.firstByteAt !== undefined) a['gateway.time_to_first_byte_ms'] = Math.round((ctx.firstByteAt - ctx.startedAt) * 1000) / 1000;
  if (ctx.route?.reason) a['gateway.route_reason'] = ctx.route.reason;
  if (ctx.error) a[ATTR_ERROR_TYPE] = ctx.error.publicCode;
  return a;
}

/** An upstream attempt: which deployment, the upstream model id, which try this is. */
export function attemptAttributes(ctx: RequestContext, attempt: UpstreamAttempt): Attributes {
  const d = attempt.deployment;
  const a: Attributes = {
    'gen_ai.provider.name': d.providerType,
    'gen_ai.request.model': d.model,
    'gateway.deployment': d.id,
    'gateway.attempt': attempt.number,
  };
  const op = OPERATION[ctx.endpoint];
  if (op) a['gen_ai.operation.name'] = op;
  return a;
}
