/**
 * What the mock answers, decided from the request alone (deterministic):
 * - tools offered and `tool_choice` not `none`: a call to the named function (`tool_choice`
 *   names one), else to the tool whose name or description shares most words with the last
 *   user message (the first on a tie) — unless `auto` and the last message is a tool
 *   result, which is answered in text. Arguments are a minimal instance of the tool's
 *   JSON Schema.
 * - after tool results: text that quotes them.
 * - `response_format` json_schema: a minimal instance of the schema; json_object: an object.
 * - otherwise `Mock reply to: <last user message>` (or `options.reply`).
 *
 * @example
 *   planAnswer({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, {}) // { text: 'Mock reply to: hi' }
 */
import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest, ToolCall, ToolDefinition } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { textOf } from '../shared/chunks.ts';
import { contentText, isMessage } from '../../../../engine/message-text.ts';
import { instanceOf } from './schema-instance.ts';
import type { MockOptions } from './options.ts';

export type Plan = { text: string; toolCall?: undefined } | { toolCall: ToolCall; text?: undefined };

export function planAnswer(req: ChatRequest, opts: MockOptions): Plan {
  const tool = chooseTool(req);
  if (tool) return { toolCall: callTo(tool, req) };
  const text = toolResultsText(req.messages) ?? opts.reply ?? `Mock reply to: ${lastUserText(req)}`;
  const rf = req.response_format;
  if (rf?.type === 'json_schema') return { text: JSON.stringify(instanceOf((rf.json_schema as { schema?: unknown } | undefined)?.schema ?? {})) };
  if (rf?.type === 'json_object') return { text: JSON.stringify({ reply: text }) };
  return { text };
}

/** The tool to call, or undefined for a text answer. */
function chooseTool(req: ChatRequest): ToolDefinition | undefined {
  const tools = (req.tools ?? []).filter((t) => t?.type === 'function' && typeof t.function?.name === 'string');
  const choice = req.tool_choice;
  if (!tools.length || choice === 'none') return undefined;
  if (choice && typeof choice === 'object') {
    const named = tools.find((t) => t.function.name === choice.function?.name);
    if (!named)
      throw gatewayError('GW_ERR_INVALID_REQUEST', { param: 'tool_choice', message: `tool_choice names '${choice.function?.name}', which is not in tools.` });
    return named;
  }
  const last = req.messages[req.messages.length - 1];
  if (choice !== 'required' && last?.role === 'tool') return undefined;
  return bestMatch(tools, lastUserText(req));
}

const wordsOf = (s: string): string[] =>
  s
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2);

function bestMatch(tools: ToolDefinition[], userText: string): ToolDefinition {
  const said = new Set(wordsOf(userText));
  let best = tools[0]!;
  let bestScore = 0;
  for (const t of tools) {
    const score = new Set(wordsOf(`${t.function.name} ${t.function.description ?? ''}`).filter((w) => said.has(w))).size;
    if (score > bestScore) [best, bestScore] = [t, score];
  }
  return best;
}

function callTo(tool: ToolDefinition, req: ChatRequest): ToolCall {
  const args = JSON.stringify(instanceOf(tool.function.parameters ?? { type: 'object' }) ?? {});
  const id = 'call_mock_' + createHash('sha1').update(`${req.messages.length}\0${tool.function.name}\0${args}`).digest('hex').slice(0, 16);
  return { id, type: 'function', function: { name: tool.function.name, arguments: args } };
}

/** The results of the tool calls answered since the last assistant turn, quoted, or undefined. */
function toolResultsText(messages: ChatMessage[]): string | undefined {
  const results: string[] = [];
  let i = messages.length - 1;
  for (; i >= 0 && messages[i]!.role === 'tool'; i--) results.unshift(`${toolNameOf(messages, i)} returned ${textOf(messages[i]!.content)}`);
  return results.length ? `Mock reply using tool results: ${results.join('; ')}` : undefined;
}

function toolNameOf(messages: ChatMessage[], i: number): string {
  const id = messages[i]!.tool_call_id;
  for (let j = i - 1; j >= 0; j--) {
    const call = messages[j]!.tool_calls?.find((c) => c.id === id);
    if (call) return call.function.name;
  }
  return messages[i]!.name ?? 'the tool';
}

export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m: unknown = req.messages[i];
    if (!isMessage(m) || m.role !== 'user') continue;
    return contentText(m.content, ' ');
  }
  return '';
}
