/**
 * Canonical (OpenAI) chat request → Anthropic Messages request: system prompt split out,
 * consecutive same-role turns merged (Anthropic needs alternation), tool calls and tool
 * results as content blocks, images as base64 or url sources.
 *
 * @example
 *   toAnthropicRequest({ model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }] }, 4096)
 *   // { model: 'claude-x', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }
 */
import type { ChatMessage, ChatRequest, ContentPart } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { parseDataUrl, textOf } from '../shared/chunks.ts';
import { toolChoiceToAnthropic } from './mapping.ts';
import { outputFormatOf, tokenPlanOf } from './output.ts';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

/**
 * `defaultMaxTokens` is options.default_max_tokens; `modelMaxTokens` the model's
 * max_output_tokens, which wins over it (see tokenPlanOf for how thinking fits in).
 */
export function toAnthropicRequest(req: ChatRequest, defaultMaxTokens: number, modelMaxTokens?: number): Record<string, unknown> {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (let i = 0; i < req.messages.length; i++) {
    const m = req.messages[i]!;
    if (m.role === 'system' || m.role === 'developer') {
      system.push(textOf(m.content));
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = m.role === 'tool' ? [toolResult(m)] : m.role === 'assistant' ? assistantBlocks(m, i) : userBlocks(m.content, i);
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  const plan = tokenPlanOf(req, modelMaxTokens, defaultMaxTokens);
  const out: Record<string, unknown> = { model: req.model, max_tokens: plan.max_tokens, messages: turns };
  if (plan.thinking) out.thinking = plan.thinking;
  const format = outputFormatOf(req);
  if (format) out.output_config = { format };
  if (system.length) out.system = system.join('\n\n');
  if (req.stream) out.stream = true;
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.top_p = req.top_p;
  if (typeof req.top_k === 'number') out.top_k = req.top_k;
  if (req.stop != null) out.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.user) out.metadata = { user_id: req.user };
  if (req.tools?.length) {
    out.tools = req.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const tc = toolChoiceToAnthropic(req.tool_choice, req.parallel_tool_calls);
  if (tc && (req.tools?.length || tc.type === 'none')) out.tool_choice = tc;
  return out;
}

function userBlocks(content: ChatMessage['content'], i: number): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((p) => partBlock(p, i));
}

function partBlock(p: ContentPart, i: number): Block {
  if (p.type === 'text') return { type: 'text', text: (p as { text: string }).text };
  if (p.type === 'image_url') {
    const url = (p as { image_url: { url: string } }).image_url.url;
    const data = parseDataUrl(url);
    return { type: 'image', source: data ? { type: 'base64', media_type: data.mediaType, data: data.data } : { type: 'url', url } };
  }
  throw gatewayError('GW_ERR_INVALID_REQUEST', {
    message: `Content part type '${p.type}' is not supported by this provider.`,
    param: `messages[${i}].content`,
  });
}

function assistantBlocks(m: ChatMessage, i: number): Block[] {
  const blocks: Block[] = [];
  const text = textOf(m.content);
  if (text) blocks.push({ type: 'text', text });
  for (const tc of m.tool_calls ?? []) {
    let input: unknown;
    try {
      input = tc.function.arguments ? JSON.parse(tc.function.arguments) : {};
    } catch {
      throw gatewayError('GW_ERR_INVALID_REQUEST', { message: 'Tool call arguments must be a JSON object.', param: `messages[${i}].tool_calls` });
    }
    blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input });
  }
  return blocks;
}

function toolResult(m: ChatMessage): Block {
  return { type: 'tool_result', tool_use_id: m.tool_call_id, content: textOf(m.content) };
}
