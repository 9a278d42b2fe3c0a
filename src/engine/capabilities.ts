/**
 * Which capabilities a canonical request needs, so a model that lacks one is refused
 * with a clear 400 before any upstream call (and the router can skip it).
 */
import type { Capability, ChatRequest } from './openai-types.ts';
import type { Endpoint } from './context.ts';
import type { Deployment } from './types.ts';
import { gatewayError } from './errors.ts';
import { isMessage, isPart, messagesOf } from './message-text.ts';

export function requiredCapabilities(endpoint: Endpoint, body: unknown): Capability[] {
  if (endpoint === 'embeddings') return ['embeddings'];
  const req = (body ?? {}) as ChatRequest;
  const need: Capability[] = ['chat'];
  if (req.stream === true) need.push('stream');
  if (Array.isArray(req.tools) && req.tools.length > 0) need.push('tools');
  const format = req.response_format?.type;
  if (format === 'json_schema') need.push('structured_output');
  else if (format !== undefined && format !== 'text') need.push('json_mode');
  if (hasImage(req)) need.push('vision');
  return need;
}

function hasImage(req: ChatRequest): boolean {
  const msgs = messagesOf(req);
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (!isMessage(m) || !Array.isArray(m.content)) continue;
    for (const p of m.content as unknown[]) if (isPart(p) && (p.type === 'image_url' || p.type === 'image')) return true;
  }
  return false;
}

export function missingCapabilities(d: Deployment, need: readonly Capability[]): Capability[] {
  return need.filter((c) => !d.capabilities.has(c));
}

/** The request field a missing capability is about (OpenAI's `param`). */
export function capabilityParam(missing: readonly Capability[]): string {
  if (missing.includes('tools')) return 'tools';
  if (missing.includes('json_mode') || missing.includes('structured_output')) return 'response_format';
  if (missing.includes('vision')) return 'messages';
  return 'model';
}

/** Throws GW_ERR_CAPABILITY_UNSUPPORTED naming what is missing. */
export function assertCapabilities(d: Deployment, need: readonly Capability[]): void {
  const missing = missingCapabilities(d, need);
  if (missing.length) {
    throw gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', {
      message: `Model '${d.name}' does not support: ${missing.join(', ')}.`,
      param: capabilityParam(missing),
    });
  }
}
