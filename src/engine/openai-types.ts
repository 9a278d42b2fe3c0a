/**
 * The canonical wire types inside the gateway. Every inbound API (OpenAI, Anthropic) is
 * decoded to these and every provider adapter translates from/to them, so plugins only
 * ever see one shape. They follow OpenAI's Chat Completions and Embeddings APIs; unknown
 * fields are carried through untouched (index signatures) so a newer client option
 * reaches an OpenAI-compatible upstream without a gateway release.
 */

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPart = TextPart | ImagePart | { type: string; [k: string]: unknown };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  /** Assistant answers: the model's refusal text, null when it did not refuse (required in answers). */
  refusal?: string | null;
  [k: string]: unknown;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  tools?: ToolDefinition[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: Record<string, unknown> };
  user?: string;
  [k: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number; [k: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [k: string]: unknown };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | null;

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  /** `logprobs` is required by OpenAI's spec: null unless the client asked for log probabilities. */
  choices: Array<{ index: number; message: ChatMessage; finish_reason: FinishReason; logprobs?: ChoiceLogprobs | null }>;
  usage?: Usage;
  system_fingerprint?: string | null;
  [k: string]: unknown;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs?: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}

export interface ChoiceLogprobs {
  content: TokenLogprob[] | null;
  refusal: TokenLogprob[] | null;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: Role; content?: string | null; tool_calls?: ChunkToolCallDelta[]; refusal?: string | null; [k: string]: unknown };
    finish_reason: FinishReason;
    logprobs?: ChoiceLogprobs | null;
  }>;
  usage?: Usage | null;
  [k: string]: unknown;
}

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  [k: string]: unknown;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * What a model can do. `json_mode` is a JSON object (`response_format: json_object`);
 * `structured_output` is JSON against a given schema (`json_schema`). Declaring `json_mode`
 * implies `structured_output` (every JSON-mode upstream also takes a schema); an upstream
 * that takes only a schema (Anthropic) declares `structured_output` alone.
 */
export type Capability = 'chat' | 'stream' | 'tools' | 'vision' | 'json_mode' | 'structured_output' | 'embeddings';
export const ALL_CAPABILITIES: readonly Capability[] = ['chat', 'stream', 'tools', 'vision', 'json_mode', 'structured_output', 'embeddings'];
