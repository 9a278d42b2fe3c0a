/**
 * Which endpoints each operation makes sense on, decided at load so a rule cannot, say,
 * add `max_tokens` to embeddings requests (OpenAI refuses unknown embeddings fields) or
 * edit a system prompt an embeddings request does not have.
 */
export type LlmEndpoint = 'chat' | 'embeddings' | 'messages' | 'responses';
export const LLM_ENDPOINTS: readonly LlmEndpoint[] = ['chat', 'embeddings', 'messages', 'responses'];

const CHAT_LIKE: readonly LlmEndpoint[] = ['chat', 'messages', 'responses'];
const EMBEDDINGS: readonly LlmEndpoint[] = ['embeddings'];

// Canonical request fields of one API only (OpenAI's Chat Completions / Embeddings).
// A field in neither list (user, metadata, a vendor extension) may go to either.
const CHAT_FIELDS = new Set([
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'stream_options',
  'reasoning_effort',
  'modalities',
  'audio',
  'prediction',
  'store',
  'service_tier',
  'web_search_options',
  'verbosity',
]);
const EMBEDDINGS_FIELDS = new Set(['encoding_format', 'dimensions']);

/**
 * Fields no field operation may touch, with what to use instead: each one changes what
 * the request *is* (its model, its prompt, its input, whether the answer streams).
 */
export const RESERVED_FIELDS: ReadonlyMap<string, string> = new Map([
  ['model', 'use rename_model'],
  ['messages', 'use system_prompt; messages are the conversation'],
  ['input', 'the embeddings input is the request itself'],
  ['stream', 'the client chose whether to stream and reads the answer accordingly'],
]);

/** Endpoints a request field operation on a path starting with `root` applies to. */
export function fieldEndpoints(root: string): readonly LlmEndpoint[] {
  if (CHAT_FIELDS.has(root)) return CHAT_LIKE;
  if (EMBEDDINGS_FIELDS.has(root)) return EMBEDDINGS;
  return LLM_ENDPOINTS;
}

/** Endpoints of the other operations. */
export const OP_ENDPOINTS = {
  rename_model: LLM_ENDPOINTS,
  system_prompt: CHAT_LIKE,
  response_headers: LLM_ENDPOINTS,
  // /v1/messages answers are encoded to Anthropic's shape from the canonical body: its
  // fields are not the ones the client sees, so removing them there would mislead.
  response_body: ['chat', 'embeddings'] as readonly LlmEndpoint[],
} as const;

/** Headers the server itself owns (framing, the request id): no rule may set or remove them. */
export const RESERVED_HEADERS = new Set([
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'x-request-id',
  'retry-after',
]);
