/**
 * The OpenAI Responses API objects the gateway sends and stores (after OpenAI's published
 * OpenAPI description: `Response`, `OutputMessage`, `FunctionToolCall`, `ResponseUsage`).
 * Only the shapes the gateway produces are typed; requests are decoded from `unknown`.
 */
import type { ChatMessage } from '../openai-types.ts';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface Refusal {
  type: 'refusal';
  refusal: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface MessageItem {
  type: 'message';
  id: string;
  status: ItemStatus;
  role: 'assistant';
  content: Array<OutputText | Refusal>;
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  status: ItemStatus;
  call_id: string;
  name: string;
  arguments: string;
}

export type OutputItem = MessageItem | FunctionCallItem;

/** An input item as `GET /v1/responses/{id}/input_items` lists it (normalised, with an id). */
export type InputItemResource = Record<string, unknown> & { id: string; type: string };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'completed' | 'incomplete' | 'in_progress' | 'failed';

/** The request fields a Response object echoes back. */
export interface ResponseEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: null };
  store: boolean;
  temperature: number | null;
  text: Record<string, unknown>;
  tool_choice: unknown;
  tools: Array<Record<string, unknown>>;
  top_p: number | null;
  truncation: 'disabled';
  /** Only when the request named one (OpenAI's schema has no null here). */
  user?: string;
  metadata: Record<string, string>;
}

export interface ResponseObject extends ResponseEcho {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: OutputItem[];
  output_text: string;
  /** Absent until the answer is done (OpenAI's schema has no null here). */
  usage?: ResponsesUsage;
}

/** What the state store keeps per response (JSON). */
export interface StoredResponse {
  v: 1;
  /** Fingerprint of the API key that created it (null: created without a key). */
  owner: string | null;
  response: ResponseObject;
  /** This turn's input items, as listed by input_items. */
  input: InputItemResource[];
  /**
   * The canonical conversation up to and including this response's output, without its
   * `instructions` (OpenAI does not carry instructions over to a follow-up): what a
   * `previous_response_id` follow-up is sent on top of.
   */
  history: ChatMessage[];
}
