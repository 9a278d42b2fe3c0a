/**
 * `reasoning_effort` → Gemini's `generationConfig.thinkingConfig`. Gemini 3 models take a
 * `thinkingLevel`; earlier thinking models (2.5) a `thinkingBudget` in tokens, and the two
 * may not be sent together. The budgets are the ones Google's own OpenAI-compatible
 * endpoint maps these levels to (low 1,024, medium 8,192, high 24,576); xhigh gets the
 * largest budget every 2.5 model takes. Thoughts are not asked for (`includeThoughts`), as
 * OpenAI's Chat Completions return no reasoning text either.
 *
 * @example
 *   thinkingConfigOf('gemini-2.5-flash', 'medium')     // { thinkingBudget: 8192 }
 *   thinkingConfigOf('gemini-3-pro-preview', 'high')   // { thinkingLevel: 'high' }
 */
import type { Effort } from '../shared/reasoning.ts';

/** `none` turns thinking off where a 2.5 model allows it (Flash, Flash-Lite; Pro refuses 0). */
export const THINKING_BUDGET: Readonly<Record<Effort, number>> = {
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

/** Gemini 3 cannot turn thinking off: `none` gets its least, `minimal`; xhigh its most. */
export const THINKING_LEVEL: Readonly<Record<Effort, string>> = {
  none: 'minimal',
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
};

/** The major version in a Gemini model id (`gemini-3-pro-preview` → 3), 0 when it has none. */
function generationOf(model: string): number {
  const m = /gemini-(\d+)/.exec(model);
  return m ? Number(m[1]) : 0;
}

export function thinkingConfigOf(model: string, effort: Effort): Record<string, unknown> {
  return generationOf(model) >= 3 ? { thinkingLevel: THINKING_LEVEL[effort] } : { thinkingBudget: THINKING_BUDGET[effort] };
}
