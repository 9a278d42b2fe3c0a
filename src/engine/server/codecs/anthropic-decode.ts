/**
 * Anthropic Messages (and count_tokens) request → canonical (OpenAI) chat request,
 * validating as it goes: every refusal is a 400 GatewayError naming the `param` at fault,
 * in Anthropic's dotted spelling (`messages.2.content.0.source`).
 *
 * @example
 *   decodeAnthropicRequest({ model: 'claude-x', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
 *   // { model: 'claude-x', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] }
 */
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolDefinition } from '../../openai-types.ts';
import { gatewayError } from '../../errors.ts';
import { toolChoiceFromAnthropic } from '../../../plugins-builtin/provider/adapters/anthropic/mapping.ts';

type Obj = Record<string, unknown>;

const bad = (param: string, message: string) => gatewayError('GW_ERR_INVALID_REQUEST', { param, message: `${param}: ${message}` });
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function decodeAnthropicRequest(raw: unknown): ChatRequest {
  const out = decodeAnthropicCountTokens(raw);
  const body = raw as Obj;
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) throw bad('max_tokens', 'Field required (an integer ≥ 1).');
  out.max_tokens = body.max_tokens as number;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  copyNumber(body, out, 'temperature');
  copyNumber(body, out, 'top_p');
  copyNumber(body, out, 'top_k');
  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s) => typeof s === 'string'))
      throw bad('stop_sequences', 'Must be an array of strings.');
    out.stop = body.stop_sequences as string[];
  }
  if (isObj(body.metadata) && typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;
  const format = isObj(body.output_config) ? body.output_config.format : undefined;
  if (format !== undefined && format !== null) out.response_format = responseFormat(format);
  return out;
}

/**
 * Anthropic's structured outputs (`output_config.format`, what the SDK's messages.parse and
 * @ai-sdk/anthropic send for Claude models) → response_format json_schema, so the model's
 * provider honours it or the request is refused naming it — never answered in free text.
 */
function responseFormat(format: unknown): ChatRequest['response_format'] {
  if (!isObj(format) || format.type !== 'json_schema' || !isObj(format.schema))
    throw bad('output_config.format', "Must be { type: 'json_schema', schema: {…} }.");
  return { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
}

/**
 * The part a count_tokens request shares with a Messages request (model, system,
 * messages, tools, tool_choice): the prompt whose tokens are counted.
 */
export function decodeAnthropicCountTokens(body: unknown): ChatRequest {
  if (!isObj(body)) throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'The request body must be a JSON object.' });
  if (typeof body.model !== 'string' || !body.model) throw bad('model', 'Field required (a non-empty string).');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw bad('messages', 'Field required (a non-empty array).');
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system !== undefined) messages.push({ role: 'system', content: system });
  body.messages.forEach((m, i) => decodeMessage(m, i, messages));
  const out: ChatRequest = { model: body.model, messages };
  if (body.tools !== undefined) out.tools = decodeTools(body.tools);
  Object.assign(out, toolChoiceFromAnthropic(isObj(body.tool_choice) ? body.tool_choice : undefined));
  return out;
}

function copyNumber(from: Obj, to: ChatRequest, key: string): void {
  const v = from[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, 'Must be a number.');
  to[key] = v;
}

function systemText(system: unknown): string | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) throw bad('system', 'Must be a string or an array of text blocks.');
  return system
    .map((b, i) => {
      if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string') throw bad(`system.${i}`, 'Must be a text block.');
      return b.text;
    })
    .join('\n\n');
}

function decodeMessage(m: unknown, i: number, out: ChatMessage[]): void {
  const p = `messages.${i}`;
  if (!isObj(m)) throw bad(p, 'Must be an object.');
  if (m.role !== 'user' && m.role !== 'assistant') throw bad(`${p}.role`, "Must be 'user' or 'assistant'.");
  if (typeof m.content === 'string') {
    out.push({ role: m.role, content: m.content });
    return;
  }
  if (!Array.isArray(m.content)) throw bad(`${p}.content`, 'Must be a string or an array of content blocks.');
  if (m.role === 'assistant') {
    out.push(assistantMessage(m.content, p));
    return;
  }
  // Tool results become `tool` messages, which OpenAI wants right after the assistant turn.
  const parts: ContentPart[] = [];
  m.content.forEach((b, j) => {
    const bp = `${p}.content.${j}`;
    if (!isObj(b)) throw bad(bp, 'Must be a content block.');
    if (b.type === 'tool_result') out.push(toolMessage(b, bp));
    else parts.push(userPart(b, bp));
  });
  if (parts.length) out.push({ role: 'user', content: parts });
}

function userPart(b: Obj, p: string): ContentPart {
  if (b.type === 'text') {
    if (typeof b.text !== 'string') throw bad(`${p}.text`, 'Must be a string.');
    return { type: 'text', text: b.text };
  }
  if (b.type === 'image') {
    const s = b.source;
    if (isObj(s) && s.type === 'base64' && typeof s.media_type === 'string' && typeof s.data === 'string') {
      return { type: 'image_url', image_url: { url: `data:${s.media_type};base64,${s.data}` } };
    }
    if (isObj(s) && s.type === 'url' && typeof s.url === 'string') return { type: 'image_url', image_url: { url: s.url } };
    throw bad(`${p}.source`, 'Must be a base64 or url image source.');
  }
  throw bad(`${p}.type`, `Content block type '${String(b.type)}' is not supported here.`);
}

function toolMessage(b: Obj, p: string): ChatMessage {
  if (typeof b.tool_use_id !== 'string') throw bad(`${p}.tool_use_id`, 'Field required.');
  let content: string;
  if (typeof b.content === 'string' || b.content === undefined) content = (b.content as string | undefined) ?? '';
  else if (Array.isArray(b.content))
    content = b.content
      .map((x, k) =>
        isObj(x) && x.type === 'text' && typeof x.text === 'string'
          ? x.text
          : (() => {
              throw bad(`${p}.content.${k}`, 'Only text blocks are supported in tool results.');
            })(),
      )
      .join('');
  else throw bad(`${p}.content`, 'Must be a string or an array of text blocks.');
  return { role: 'tool', tool_call_id: b.tool_use_id, content: b.is_error === true ? `Error: ${content}` : content };
}

function assistantMessage(blocks: unknown[], p: string): ChatMessage {
  let text = '';
  const calls: ToolCall[] = [];
  blocks.forEach((b, j) => {
    const bp = `${p}.content.${j}`;
    if (!isObj(b)) throw bad(bp, 'Must be a content block.');
    if (b.type === 'text' && typeof b.text === 'string') text += b.text;
    else if (b.type === 'tool_use') {
      if (typeof b.id !== 'string' || typeof b.name !== 'string') throw bad(bp, 'tool_use needs id and name.');
      calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
    } else if (b.type !== 'thinking' && b.type !== 'redacted_thinking')
      throw bad(`${bp}.type`, `Content block type '${String(b.type)}' is not supported in assistant turns.`);
  });
  const msg: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) msg.tool_calls = calls;
  return msg;
}

function decodeTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) throw bad('tools', 'Must be an array.');
  return tools.map((t, i) => {
    if (!isObj(t) || typeof t.name !== 'string') throw bad(`tools.${i}.name`, 'Field required.');
    if (t.type !== undefined && t.type !== 'custom') throw bad(`tools.${i}.type`, `Server tool '${String(t.type)}' is not supported by this gateway.`);
    if (t.input_schema !== undefined && !isObj(t.input_schema)) throw bad(`tools.${i}.input_schema`, 'Must be a JSON Schema object.');
    const fn: ToolDefinition['function'] = { name: t.name, parameters: (t.input_schema as Obj | undefined) ?? { type: 'object', properties: {} } };
    if (typeof t.description === 'string') fn.description = t.description;
    return { type: 'function', function: fn };
  });
}
