/**
 * Canonical chat request → Gemini generateContent request: system messages to
 * systemInstruction, turns to contents/parts (role 'model' for the assistant), tool
 * calls to functionCall parts, tool results to functionResponse parts, sampling, JSON
 * output and reasoning effort to generationConfig, tools to functionDeclarations.
 *
 * @example
 *   toGeminiRequest({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }] })
 *   // { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }
 */
import type { ChatMessage, ChatRequest } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { parseDataUrl, textOf } from '../shared/chunks.ts';
import { reasoningEffortOf } from '../shared/reasoning.ts';
import { thinkingConfigOf } from './thinking.ts';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

export function toGeminiRequest(req: ChatRequest): Record<string, unknown> {
  const system: string[] = [];
  const contents: Content[] = [];
  const toolNames = new Map<string, string>();
  req.messages.forEach((m, i) => {
    if (m.role === 'system' || m.role === 'developer') {
      system.push(textOf(m.content));
      return;
    }
    const role = m.role === 'assistant' ? 'model' : 'user';
    const parts = m.role === 'assistant' ? modelParts(m, toolNames, i) : m.role === 'tool' ? [functionResponse(m, toolNames)] : userParts(m, i);
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });
  const out: Record<string, unknown> = { contents };
  if (system.length) out.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  const gen = generationConfig(req);
  if (Object.keys(gen).length) out.generationConfig = gen;
  if (req.tools?.length) {
    out.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          ...(t.function.parameters ? { parameters: t.function.parameters } : {}),
        })),
      },
    ];
  }
  const mode = req.tool_choice === 'required' ? 'ANY' : req.tool_choice === 'none' ? 'NONE' : req.tool_choice === 'auto' ? 'AUTO' : undefined;
  if (mode) out.toolConfig = { functionCallingConfig: { mode } };
  else if (req.tool_choice && typeof req.tool_choice === 'object')
    out.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [req.tool_choice.function.name] } };
  return out;
}

function generationConfig(req: ChatRequest): Record<string, unknown> {
  const g: Record<string, unknown> = {};
  if (req.temperature != null) g.temperature = req.temperature;
  if (req.top_p != null) g.topP = req.top_p;
  if (typeof req.top_k === 'number') g.topK = req.top_k;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) g.maxOutputTokens = max;
  if (req.stop != null) g.stopSequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.n != null && req.n > 1) g.candidateCount = req.n;
  if (req.seed != null) g.seed = req.seed;
  const rf = req.response_format;
  if (rf?.type === 'json_object' || rf?.type === 'json_schema') g.responseMimeType = 'application/json';
  const schema = (rf?.json_schema as { schema?: unknown } | undefined)?.schema;
  if (rf?.type === 'json_schema' && schema) g.responseJsonSchema = schema;
  const effort = reasoningEffortOf(req);
  if (effort) g.thinkingConfig = thinkingConfigOf(req.model, effort);
  return g;
}

function userParts(m: ChatMessage, i: number): Part[] {
  if (typeof m.content === 'string') return [{ text: m.content }];
  if (!Array.isArray(m.content)) return [];
  return m.content.map((p) => {
    if (p.type === 'text') return { text: (p as { text: string }).text };
    if (p.type === 'image_url') {
      const url = (p as { image_url: { url: string } }).image_url.url;
      const d = parseDataUrl(url);
      return d ? { inlineData: { mimeType: d.mediaType, data: d.data } } : { fileData: { mimeType: mimeOf(url), fileUri: url } };
    }
    throw gatewayError('GW_ERR_INVALID_REQUEST', {
      message: `Content part type '${p.type}' is not supported by this provider.`,
      param: `messages[${i}].content`,
    });
  });
}

const mimeOf = (url: string): string =>
  /\.png(\?|$)/i.test(url) ? 'image/png' : /\.webp(\?|$)/i.test(url) ? 'image/webp' : /\.gif(\?|$)/i.test(url) ? 'image/gif' : 'image/jpeg';

function modelParts(m: ChatMessage, toolNames: Map<string, string>, i: number): Part[] {
  const parts: Part[] = [];
  const text = textOf(m.content);
  if (text) parts.push({ text });
  for (const tc of m.tool_calls ?? []) {
    toolNames.set(tc.id, tc.function.name);
    let args: unknown;
    try {
      args = tc.function.arguments ? JSON.parse(tc.function.arguments) : {};
    } catch {
      throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Tool call arguments must be a JSON object.', param: `messages[${i}].tool_calls` });
    }
    parts.push({ functionCall: { name: tc.function.name, args } });
  }
  return parts;
}

/** Gemini wants the function's name and an object; a plain-text result is wrapped. */
function functionResponse(m: ChatMessage, toolNames: Map<string, string>): Part {
  const text = textOf(m.content);
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    response = undefined;
  }
  if (!response || typeof response !== 'object' || Array.isArray(response)) response = { content: text };
  return { functionResponse: { name: toolNames.get(m.tool_call_id ?? '') ?? m.name ?? 'tool', response } };
}
