/**
 * The function tools of a Responses API request and its `tool_choice`, in canonical (Chat
 * Completions) form. Built-in OpenAI tools (web_search, file_search, computer use, MCP…)
 * and non-function choices have no equivalent behind a chat upstream: 400 naming them.
 *
 * @example
 *   decodeTools([{ type: 'function', name: 'get_weather', parameters: {…} }]).map(toCanonicalTool)
 *   // [{ type: 'function', function: { name: 'get_weather', parameters: {…} } }]
 */
import type { ChatRequest, ToolDefinition } from '../../openai-types.ts';
import { bad, isObj, optBool, optString, unsupported, type Obj } from './responses-check.ts';

export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface ResponsesTool {
  name: string;
  description?: string;
  parameters?: Obj;
  strict?: boolean;
}

export function decodeTools(tools: unknown): ResponsesTool[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw bad('tools', 'Must be an array.');
  return tools.map((t, i) => {
    const p = `tools[${i}]`;
    if (!isObj(t)) throw bad(p, 'Must be a tool object.');
    if (t.type !== 'function')
      throw unsupported(`${p}.type`, `The built-in tool '${String(t.type)}' is not supported by this gateway; only function tools are.`);
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) throw bad(`${p}.name`, 'Must match ^[a-zA-Z0-9_-]{1,64}$.');
    if (t.parameters !== undefined && t.parameters !== null && !isObj(t.parameters)) throw bad(`${p}.parameters`, 'Must be a JSON Schema object.');
    const tool: ResponsesTool = { name: t.name };
    const description = optString(t.description, `${p}.description`);
    if (description !== undefined) tool.description = description;
    if (isObj(t.parameters)) tool.parameters = t.parameters;
    const strict = optBool(t.strict, `${p}.strict`);
    if (strict !== undefined) tool.strict = strict;
    return tool;
  });
}

export function toCanonicalTool(t: ResponsesTool): ToolDefinition {
  return { type: 'function', function: t };
}

export function decodeToolChoice(tc: unknown): ChatRequest['tool_choice'] | undefined {
  if (tc === undefined || tc === null) return undefined;
  if (tc === 'none' || tc === 'auto' || tc === 'required') return tc;
  if (isObj(tc) && tc.type === 'function') {
    if (typeof tc.name !== 'string') throw bad('tool_choice.name', 'Field required.');
    return { type: 'function', function: { name: tc.name } };
  }
  if (isObj(tc)) throw unsupported('tool_choice.type', `tool_choice '${String(tc.type)}' is not supported by this gateway.`);
  throw bad('tool_choice', "Must be 'none', 'auto', 'required' or a function choice.");
}
