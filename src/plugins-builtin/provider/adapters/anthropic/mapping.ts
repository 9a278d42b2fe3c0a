/**
 * The one place that maps Anthropic's Messages vocabulary to OpenAI's and back: used by
 * the `anthropic` adapter (outbound) and the `/v1/messages` codec (inbound).
 *
 * @example
 *   finishReasonOf('tool_use')   // 'tool_calls'
 *   stopReasonOf('length')       // 'max_tokens'
 */
import type { FinishReason, Usage } from '../../../../engine/openai-types.ts';
import { makeUsage } from '../shared/chunks.ts';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

const FINISH_OF: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

const STOP_OF: Record<string, StopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function finishReasonOf(stop: string | null | undefined): FinishReason {
  return stop ? (FINISH_OF[stop] ?? 'stop') : null;
}

export function stopReasonOf(finish: FinishReason | string | null | undefined): StopReason | null {
  return finish ? (STOP_OF[finish] ?? 'end_turn') : null;
}

/**
 * Anthropic usage → canonical. Anthropic's input_tokens excludes cached tokens, so the
 * canonical prompt_tokens is input + cache read + cache creation (what was processed).
 */
export function usageFromAnthropic(u: AnthropicUsage | undefined): Usage {
  const input = u?.input_tokens ?? 0;
  const read = u?.cache_read_input_tokens ?? 0;
  const created = u?.cache_creation_input_tokens ?? 0;
  const hasCache = u?.cache_read_input_tokens != null || u?.cache_creation_input_tokens != null;
  return makeUsage(input + read + created, u?.output_tokens ?? 0, hasCache ? { cached: read, cacheCreation: created } : {});
}

/** Canonical usage → Anthropic's fields (the inverse of usageFromAnthropic). */
export function usageToAnthropic(u: Usage | undefined | null): Required<AnthropicUsage> {
  const read = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const created = u?.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (u?.prompt_tokens ?? 0) - read - created),
    output_tokens: u?.completion_tokens ?? 0,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: created,
  };
}

/** OpenAI tool_choice → Anthropic tool_choice. */
export function toolChoiceToAnthropic(tc: unknown, parallel: unknown): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  if (tc === 'auto') out = { type: 'auto' };
  else if (tc === 'required') out = { type: 'any' };
  else if (tc === 'none') out = { type: 'none' };
  else if (tc && typeof tc === 'object') out = { type: 'tool', name: (tc as { function?: { name?: string } }).function?.name };
  if (parallel === false) out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}

/** Anthropic tool_choice → OpenAI tool_choice (+ parallel_tool_calls). */
export function toolChoiceFromAnthropic(tc: { type?: string; name?: string; disable_parallel_tool_use?: boolean } | undefined): {
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
} {
  if (!tc) return {};
  const out: { tool_choice?: unknown; parallel_tool_calls?: boolean } = {};
  if (tc.type === 'auto') out.tool_choice = 'auto';
  else if (tc.type === 'any') out.tool_choice = 'required';
  else if (tc.type === 'none') out.tool_choice = 'none';
  else if (tc.type === 'tool' && tc.name) out.tool_choice = { type: 'function', function: { name: tc.name } };
  if (tc.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  return out;
}
