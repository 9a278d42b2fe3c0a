/**
 * What shapes an Anthropic answer beyond the messages: structured output
 * (`response_format` json_schema → `output_config.format`), reasoning effort
 * (`reasoning_effort` → extended thinking) and `max_tokens`, which Anthropic requires and
 * which must leave room for the thinking budget.
 *
 * @example
 *   outputFormatOf({ …, response_format: { type: 'json_schema', json_schema: { name: 'w', schema } } })
 *   // { type: 'json_schema', schema }
 *   tokenPlanOf({ …, reasoning_effort: 'low' }, undefined, 4096)
 *   // { max_tokens: 5120, thinking: { type: 'enabled', budget_tokens: 1024 } }
 */
import type { ChatRequest } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { reasoningEffortOf, type Effort } from '../shared/reasoning.ts';

/**
 * budget_tokens per effort: the budgets Google's OpenAI-compatible endpoint gives the same
 * levels (low 1K, medium 8K, high 24K), xhigh 32K; 1024 is Anthropic's smallest budget.
 * `none` sends no thinking at all.
 */
export const THINKING_BUDGET: Readonly<Record<Exclude<Effort, 'none'>, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};
const MIN_BUDGET = 1024;

/**
 * `output_config.format` for a json_schema request. json_object has no honest equivalent:
 * Anthropic constrains output to a given schema only (and requires closed objects), so "any
 * JSON object" is refused with a 400 naming the field rather than answered in free text.
 */
export function outputFormatOf(req: ChatRequest): Record<string, unknown> | undefined {
  const rf = req.response_format;
  if (!rf || rf.type === 'text') return undefined;
  if (rf.type === 'json_schema') {
    const schema = (rf.json_schema as { schema?: unknown } | undefined)?.schema;
    if (!schema || typeof schema !== 'object' || Array.isArray(schema))
      throw gatewayError('GW_ERR_INVALID_REQUEST', { param: 'response_format.json_schema.schema', message: 'Must be a JSON Schema object.' });
    return { type: 'json_schema', schema };
  }
  throw gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', {
    param: 'response_format',
    message: `Output format '${String(rf.type)}' is not available for Anthropic models, whose structured output needs a schema: ask for json_schema.`,
  });
}

export interface TokenPlan {
  max_tokens: number;
  thinking?: { type: 'enabled'; budget_tokens: number };
}

/**
 * Anthropic counts thinking inside max_tokens, as OpenAI counts reasoning inside
 * max_completion_tokens. A limit from the request (else the model's max_output_tokens) is
 * kept as the ceiling and the budget is cut to fit below it; with neither, max_tokens is
 * the adapter's default answer length plus the budget. A ceiling too small for the
 * smallest budget is a 400 naming the limit.
 */
export function tokenPlanOf(req: ChatRequest, modelMax: number | undefined, defaultMax: number): TokenPlan {
  const requested = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const effort = reasoningEffortOf(req);
  if (effort === undefined || effort === 'none') return { max_tokens: requested ?? modelMax ?? defaultMax };
  const want = THINKING_BUDGET[effort];
  const ceiling = requested ?? modelMax;
  if (ceiling === undefined) return { max_tokens: defaultMax + want, thinking: { type: 'enabled', budget_tokens: want } };
  const budget = Math.min(want, ceiling - 1);
  if (budget < MIN_BUDGET) {
    const param = requested === undefined ? 'reasoning_effort' : req.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
    throw gatewayError('GW_ERR_INVALID_REQUEST', {
      param,
      message: `Reasoning on an Anthropic model needs more than ${MIN_BUDGET} max tokens (its smallest thinking budget), and this limit is ${ceiling}.`,
    });
  }
  return { max_tokens: ceiling, thinking: { type: 'enabled', budget_tokens: budget } };
}
