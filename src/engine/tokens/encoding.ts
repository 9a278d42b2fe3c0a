/**
 * Which tokenizer a model uses. OpenAI-family models are counted exactly with
 * gpt-tokenizer (o200k_base for gpt-4o/4.1/5/o-series, cl100k_base for gpt-4/3.5 and
 * the ada/3 embeddings); every other model gets the stated estimate (estimate.ts:
 * ceil(chars / 4), OpenAI's own rule of thumb for English text). The estimate is
 * deliberately simple and documented rather than a guess dressed up as exact.
 *
 * @example
 *   familyOf('gpt-4o-mini'); // 'o200k_base'
 *   familyOf('claude-3-5-sonnet'); // 'estimate'
 */
export type TokenFamily = 'o200k_base' | 'cl100k_base' | 'estimate';

const O200K = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o|gpt-oss|codex|omni-moderation|gpt-realtime|gpt-audio)/;
const CL100K = /^(gpt-4|gpt-3\.5|text-embedding-(ada-002|3-small|3-large))/;

/** Strip a vendor prefix (`openai/gpt-4o`, Azure-style ids keep their own name). */
function bare(model: string): string {
  const i = model.lastIndexOf('/');
  return (i >= 0 ? model.slice(i + 1) : model).toLowerCase();
}

export function familyOf(model: string): TokenFamily {
  const m = bare(model);
  if (O200K.test(m)) return 'o200k_base';
  if (CL100K.test(m)) return 'cl100k_base';
  return 'estimate';
}
