/**
 * What the Responses API can do through each provider type: the one table behind the
 * README's "Responses API" matrix (a test checks the README against it), the per-cell
 * integration test, and the 400 a request gets when it uses a feature its model's
 * provider cannot honour (never a silent drop). `pending` cells are accepted but not yet
 * honoured by that provider (see the README note); `no` cells are refused.
 *
 * @example
 *   refusedFeature('anthropic', new Set(['structured_output'])) // 'structured_output'
 */

export const RESPONSES_FEATURES = ['streaming', 'tools', 'structured_output', 'reasoning', 'previous_response_id'] as const;
export type ResponsesFeature = (typeof RESPONSES_FEATURES)[number];
export type Support = 'yes' | 'no' | 'pending';

export const RESPONSES_PROVIDERS = ['openai', 'azure-openai', 'anthropic', 'gemini', 'cohere', 'huggingface', 'mock'] as const;

const ALL_BUT_REASONING: Record<ResponsesFeature, Support> = {
  streaming: 'yes',
  tools: 'yes',
  structured_output: 'yes',
  reasoning: 'no',
  previous_response_id: 'yes',
};

export const RESPONSES_MATRIX: Readonly<Record<(typeof RESPONSES_PROVIDERS)[number], Readonly<Record<ResponsesFeature, Support>>>> = {
  // reasoning.effort goes upstream as Chat Completions' reasoning_effort.
  openai: { ...ALL_BUT_REASONING, reasoning: 'yes' },
  'azure-openai': { ...ALL_BUT_REASONING, reasoning: 'yes' },
  // json_schema → output_config.format (json_object: a 400 from the adapter, naming the
  // field); reasoning.effort → extended thinking with a budget per effort.
  anthropic: { ...ALL_BUT_REASONING, reasoning: 'yes' },
  // reasoning.effort → generationConfig.thinkingConfig (budget for 2.5, level for 3).
  gemini: { ...ALL_BUT_REASONING, reasoning: 'yes' },
  cohere: ALL_BUT_REASONING,
  // TGI's OpenAI route (options.api: tgi): its response_format is not OpenAI's.
  huggingface: { ...ALL_BUT_REASONING, structured_output: 'no' },
  // The mock calls offered tools and answers JSON that satisfies the given schema.
  mock: ALL_BUT_REASONING,
};

/** Request field named in the 400 for each refusable feature. */
export const FEATURE_PARAM: Readonly<Record<ResponsesFeature, string>> = {
  streaming: 'stream',
  tools: 'tools',
  structured_output: 'text.format',
  reasoning: 'reasoning.effort',
  previous_response_id: 'previous_response_id',
};

/**
 * Support of a provider type; a third-party adapter gets what the gateway does for any
 * OpenAI-shaped request (everything but reasoning, which needs an adapter that maps it).
 */
export function supportOf(providerType: string, feature: ResponsesFeature): Support {
  const row = (RESPONSES_MATRIX as Record<string, Record<ResponsesFeature, Support>>)[providerType] ?? ALL_BUT_REASONING;
  return row[feature];
}

/** The first feature of `used` the provider type refuses, if any. */
export function refusedFeature(providerType: string, used: ReadonlySet<ResponsesFeature>): ResponsesFeature | undefined {
  for (const f of used) if (supportOf(providerType, f) === 'no') return f;
  return undefined;
}
