/**
 * Chat Completions' `reasoning_effort` (the Responses API's `reasoning.effort` arrives as
 * it too), read once for the adapters that translate it into their vendor's thinking
 * controls (anthropic, gemini). A value no table knows is a 400 naming the field, never a
 * silent default.
 *
 * @example
 *   reasoningEffortOf({ model: 'm', messages: [], reasoning_effort: 'low' }) // 'low'
 */
import type { ChatRequest } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';

/** OpenAI's effort levels, least to most. */
export const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type Effort = (typeof EFFORTS)[number];

const KNOWN: ReadonlySet<unknown> = new Set(EFFORTS);

/** The request's effort, or undefined when it sets none (null counts as none). */
export function reasoningEffortOf(req: ChatRequest): Effort | undefined {
  const e = req.reasoning_effort;
  if (e === undefined || e === null) return undefined;
  if (!KNOWN.has(e)) throw gatewayError('GW_ERR_INVALID_REQUEST', { param: 'reasoning_effort', message: `Must be one of: ${EFFORTS.join(', ')}.` });
  return e as Effort;
}
