/**
 * The top-level fields of a Responses API request → the canonical (Chat Completions)
 * request fields, the fields the Response object echoes, and the features used (checked
 * per provider before dispatch). Input items are decoded by responses-input.ts.
 *
 * @example
 *   decodeResponsesFields({ model: 'gpt-4o', input: 'Hi', max_output_tokens: 50 })
 *   // { canonical: { model: 'gpt-4o', messages: [], max_completion_tokens: 50 }, echo: {…}, features: Set {}, … }
 */
import type { ChatRequest } from '../../openai-types.ts';
import type { ResponseEcho } from '../../responses/types.ts';
import type { ResponsesFeature } from '../../responses/support.ts';
import { gatewayError } from '../../errors.ts';
import { bad, isObj, optBool, optNumber, optString, refuseUnless, unsupported, type Obj } from './responses-check.ts';
import { decodeToolChoice, decodeTools, TOOL_NAME, toCanonicalTool } from './responses-tools.ts';

export interface DecodedFields {
  /** Canonical request; `messages` is filled in by the input decoder. */
  canonical: ChatRequest;
  echo: ResponseEcho;
  features: Set<ResponsesFeature>;
  /** The input items (a string input is one user message). */
  input: unknown[];
  previousId?: string;
  stream: boolean;
}

/** Fields passed through as they are: attribution and caching hints that do not change the answer. */
const HINTS = ['user', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention', 'service_tier'] as const;

const KNOWN = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'max_output_tokens', 'temperature', 'top_p',
  'reasoning', 'metadata', 'store', 'previous_response_id', 'stream', 'stream_options', 'include', 'truncation', 'background',
  'conversation', 'prompt', 'top_logprobs', 'max_tool_calls', 'context_management', 'moderation', 'prompt_cache_options', ...HINTS,
]); // prettier-ignore

/** `include` values honoured: input images are always kept; no reasoning is ever encrypted. */
const INCLUDABLE = new Set(['message.input_image.image_url', 'reasoning.encrypted_content']);
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

export function decodeResponsesFields(body: unknown): DecodedFields {
  if (!isObj(body)) throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'The request body must be a JSON object.' });
  for (const k in body) if (!KNOWN.has(k)) throw bad(k, `Unknown parameter: '${k}'.`);
  if (typeof body.model !== 'string' || !body.model) throw bad('model', 'Field required (a non-empty string).');
  refuseGatewayWide(body);
  const canonical: ChatRequest = { model: body.model, messages: [] };
  const features = new Set<ResponsesFeature>();
  const stream = optBool(body.stream, 'stream') === true;
  if (stream) {
    features.add('streaming');
    canonical.stream = true;
    canonical.stream_options = { include_usage: true };
  }
  const tools = decodeTools(body.tools);
  if (tools.length) {
    features.add('tools');
    canonical.tools = tools.map(toCanonicalTool);
  }
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice !== undefined) canonical.tool_choice = toolChoice;
  const parallel = optBool(body.parallel_tool_calls, 'parallel_tool_calls');
  // OpenAI refuses parallel_tool_calls without tools.
  if (parallel !== undefined && tools.length) canonical.parallel_tool_calls = parallel;
  const max = optNumber(body.max_output_tokens, 'max_output_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (max !== undefined) canonical.max_completion_tokens = max;
  const temperature = optNumber(body.temperature, 'temperature', 0, 2);
  if (temperature !== undefined) canonical.temperature = temperature;
  const topP = optNumber(body.top_p, 'top_p', 0, 1);
  if (topP !== undefined) canonical.top_p = topP;
  const text = decodeText(body.text, canonical, features);
  const effort = decodeReasoning(body.reasoning);
  if (effort !== undefined) {
    features.add('reasoning');
    canonical.reasoning_effort = effort;
  }
  for (const h of HINTS) {
    const v = optString(body[h], h);
    if (v !== undefined) canonical[h] = v;
  }
  const previousId = optString(body.previous_response_id, 'previous_response_id');
  if (previousId !== undefined) features.add('previous_response_id');
  const echo: ResponseEcho = {
    instructions: optString(body.instructions, 'instructions') ?? null,
    max_output_tokens: max ?? null,
    parallel_tool_calls: parallel ?? true,
    previous_response_id: previousId ?? null,
    reasoning: { effort: effort ?? null, summary: null },
    store: optBool(body.store, 'store') ?? true,
    temperature: temperature ?? null,
    text,
    tool_choice: body.tool_choice ?? 'auto',
    tools: tools.map((t) => ({ ...t, type: 'function', description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? null })),
    top_p: topP ?? null,
    truncation: 'disabled',
    metadata: decodeMetadata(body.metadata),
  };
  if (typeof canonical.user === 'string') echo.user = canonical.user;
  return { canonical, echo, features, input: decodeInputParam(body.input, previousId), previousId, stream };
}

/** Fields of features this gateway has no equivalent of, whatever the provider. */
function refuseGatewayWide(b: Obj): void {
  refuseUnless(b.background, 'background', 'Background mode', [false]);
  refuseUnless(b.conversation, 'conversation', 'The Conversations API');
  refuseUnless(b.prompt, 'prompt', 'Stored prompt templates');
  refuseUnless(b.truncation, 'truncation', "truncation 'auto'", ['disabled']);
  refuseUnless(b.top_logprobs, 'top_logprobs', 'Log probabilities', [0]);
  refuseUnless(b.max_tool_calls, 'max_tool_calls', 'A cap on built-in tool calls');
  refuseUnless(b.context_management, 'context_management', 'Server-side context management');
  refuseUnless(b.moderation, 'moderation', 'Moderation of responses');
  refuseUnless(b.prompt_cache_options, 'prompt_cache_options', 'prompt_cache_options');
  if (b.stream_options !== undefined && b.stream_options !== null && !isObj(b.stream_options)) throw bad('stream_options', 'Must be an object.');
  if (b.include === undefined || b.include === null) return;
  if (!Array.isArray(b.include)) throw bad('include', 'Must be an array.');
  b.include.forEach((v, i) => {
    if (!INCLUDABLE.has(v as string)) throw unsupported(`include[${i}]`, `'${String(v)}' is not available through this gateway.`);
  });
}

function decodeInputParam(input: unknown, previousId: string | undefined): unknown[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (Array.isArray(input) && (input.length > 0 || previousId !== undefined)) return input;
  throw bad('input', 'Field required (a string or a non-empty array of input items).');
}

/** `text.format` → response_format; returns the echo of `text`. */
function decodeText(text: unknown, out: ChatRequest, features: Set<ResponsesFeature>): Obj {
  if (text === undefined || text === null) return { format: { type: 'text' } };
  if (!isObj(text)) throw bad('text', 'Must be an object.');
  refuseUnless(text.verbosity, 'text.verbosity', 'text.verbosity');
  const f = text.format;
  if (f === undefined || f === null) return { format: { type: 'text' } };
  if (!isObj(f)) throw bad('text.format', 'Must be an object.');
  if (f.type === 'text') return { format: { type: 'text' } };
  if (f.type === 'json_object') {
    out.response_format = { type: 'json_object' };
    features.add('structured_output');
    return { format: { type: 'json_object' } };
  }
  if (f.type !== 'json_schema') throw bad('text.format.type', "Must be 'text', 'json_object' or 'json_schema'.");
  if (typeof f.name !== 'string' || !TOOL_NAME.test(f.name)) throw bad('text.format.name', 'Must match ^[a-zA-Z0-9_-]{1,64}$.');
  if (!isObj(f.schema)) throw bad('text.format.schema', 'Field required (a JSON Schema object).');
  const js: Obj = { name: f.name, schema: f.schema };
  const description = optString(f.description, 'text.format.description');
  if (description !== undefined) js.description = description;
  const strict = optBool(f.strict, 'text.format.strict');
  if (strict !== undefined) js.strict = strict;
  out.response_format = { type: 'json_schema', json_schema: js };
  features.add('structured_output');
  return { format: { type: 'json_schema', ...js } };
}

function decodeReasoning(r: unknown): string | undefined {
  if (r === undefined || r === null) return undefined;
  if (!isObj(r)) throw bad('reasoning', 'Must be an object.');
  refuseUnless(r.summary, 'reasoning.summary', 'Reasoning summaries');
  refuseUnless(r.generate_summary, 'reasoning.generate_summary', 'Reasoning summaries');
  refuseUnless(r.context, 'reasoning.context', 'reasoning.context');
  refuseUnless(r.mode, 'reasoning.mode', 'reasoning.mode');
  const effort = optString(r.effort, 'reasoning.effort');
  if (effort !== undefined && !EFFORTS.has(effort)) throw bad('reasoning.effort', `Must be one of: ${[...EFFORTS].join(', ')}.`);
  return effort;
}

function decodeMetadata(m: unknown): Record<string, string> {
  if (m === undefined || m === null) return {};
  if (!isObj(m)) throw bad('metadata', 'Must be an object of strings.');
  const keys = Object.keys(m);
  if (keys.length > 16) throw bad('metadata', 'At most 16 keys.');
  for (const k of keys) {
    if (k.length > 64) throw bad(`metadata.${k}`, 'Keys are at most 64 characters.');
    if (typeof m[k] !== 'string' || (m[k] as string).length > 512) throw bad(`metadata.${k}`, 'Must be a string of at most 512 characters.');
  }
  return m as Record<string, string>;
}
