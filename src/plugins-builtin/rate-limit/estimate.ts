/**
 * The token reservation made before the call: the engine's prompt estimate (about 4
 * characters per token over the message text) plus the completion budget the client asked
 * for. Cheap and inline; the reservation is settled to real usage when the request is done.
 */
import { estimatePromptTokens } from '../../engine/tokens/estimate.ts';

interface Body {
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}

export function reservedTokens(body: unknown): number {
  const b = (body ?? {}) as Body;
  const max = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : typeof b.max_tokens === 'number' ? b.max_tokens : 0;
  return estimatePromptTokens(body) + max;
}
