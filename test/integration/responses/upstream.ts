/**
 * One scripted local upstream speaking each provider's own wire format, routed by path:
 * OpenAI Chat Completions (also Azure's /openai/deployments/… and TGI's route), Anthropic
 * Messages (/v1/messages), Cohere Chat v2 (/v2/chat) and Gemini (/v1beta/models/…),
 * JSON and SSE. Every dialect answers alike, so one test can run against each:
 * - a tool call when tools are offered and the last turn is the user's: to the tool
 *   `tool_choice` forces, else the first offered; `get_weather` gets {"location":"Paris"},
 *   any other tool (structured output through a forced tool) JSON_REPLY as arguments;
 * - JSON ({"city":"Paris","celsius":15}) when structured output is asked for natively;
 * - a thought first (Anthropic's thinking block, Gemini's thought part and thought tokens)
 *   when thinking is asked for;
 * - otherwise REPLY (cut to max_completion_tokens words, finish_reason length).
 * Requests are recorded (`up.requests`) for assertions on what reached the provider.
 */
import type { ServerResponse } from 'node:http';
import { startUpstream, sendJson, startSse, type FakeUpstream, type Recorded } from '../../plugins/provider/helpers/upstream.ts';

export const REPLY = 'It is 15 degrees in Paris.';
export const JSON_REPLY = '{"city":"Paris","celsius":15}';
export const TOOL_ARGS = '{"location":"Paris"}';
/** What the Anthropic and Gemini dialects think, when asked to, before answering: never part of the answer. */
export const THOUGHT = 'The user asks about Paris.';
/** Said by the user, these make the OpenAI dialect fail: a 429 before answering, a stream cut after two chunks. */
export const UPSTREAM_429 = 'UPSTREAM_429';
export const CUT_STREAM = 'CUT_STREAM';
/** Said by the user, the OpenAI dialect answers with a refusal instead of content. */
export const REFUSE = 'REFUSE';
export const REFUSAL = "I can't help with that.";
const WORDS = (s: string) => s.split(/(?<= )/);

export type Dialect = 'openai' | 'anthropic' | 'cohere' | 'gemini';

export function dialectOf(rec: Recorded): Dialect {
  if (rec.url.startsWith('/v1/messages')) return 'anthropic';
  if (rec.url.startsWith('/v2/chat')) return 'cohere';
  if (rec.url.startsWith('/v1beta/models/')) return 'gemini';
  return 'openai';
}

/** What the request asks of the scripted model, read from each dialect's own fields. */
function wants(rec: Recorded): 'tool' | 'json' | 'text' {
  const b = rec.json ?? {};
  const turns: any[] = b.messages ?? b.contents ?? [];
  const last = turns[turns.length - 1];
  const lastIsUser = last?.role === 'user' && !/tool_result|functionResponse/.test(JSON.stringify(last));
  const tools = (b.tools?.length ?? 0) > 0;
  if (tools && lastIsUser) return 'tool';
  const json =
    b.response_format?.type === 'json_schema' ||
    b.response_format?.type === 'json_object' ||
    b.generationConfig?.responseMimeType === 'application/json' ||
    b.output_config?.format?.type === 'json_schema';
  return json ? 'json' : 'text';
}

/** The tool the scripted model calls (see the header), read from each dialect's own fields. */
function toolOf(rec: Recorded): { name: string; args: string } {
  const b = rec.json ?? {};
  const names: string[] = (b.tools ?? []).flatMap((t: any) => t.functionDeclarations?.map((f: any) => f.name) ?? [t.function?.name ?? t.name]);
  const forced: string | undefined = b.tool_choice?.function?.name ?? b.tool_choice?.name ?? b.toolConfig?.functionCallingConfig?.allowedFunctionNames?.[0];
  const name = forced ?? names[0] ?? 'get_weather';
  return { name, args: name === 'get_weather' ? TOOL_ARGS : JSON_REPLY };
}

/** A tool call's arguments in two stream pieces, as providers split them. */
const halves = (args: string) => [args.slice(0, args.length >> 1), args.slice(args.length >> 1)];

const sse = (items: unknown[], named = false) =>
  items.map((e) => (named ? `event: ${(e as { type: string }).type}\n` : '') + `data: ${JSON.stringify(e)}\n\n`).join('');

export const USAGE = {
  openai: {
    prompt_tokens: 21,
    completion_tokens: 7,
    total_tokens: 28,
    prompt_tokens_details: { cached_tokens: 5 },
    completion_tokens_details: { reasoning_tokens: 3 },
  },
  anthropic: { input_tokens: 30, output_tokens: 9, cache_read_input_tokens: 12, cache_creation_input_tokens: 3 },
  cohere: { input_tokens: 40, output_tokens: 8 },
  gemini: { promptTokenCount: 50, candidatesTokenCount: 6, totalTokenCount: 56 },
};

function openai(rec: Recorded, res: ServerResponse, w: ReturnType<typeof wants>): void {
  const base = { id: 'chatcmpl-scripted', created: 1700000000, model: rec.json.model ?? 'deployment' };
  const said = JSON.stringify(rec.json.messages);
  if (said.includes(UPSTREAM_429)) return sendJson(res, 429, { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: null } });
  // max_completion_tokens shorter than the reply cuts it (finish_reason length), as a model does.
  const max = rec.json.max_completion_tokens ?? Infinity;
  const full = w === 'json' ? JSON_REPLY : REPLY;
  const text = WORDS(full).slice(0, max).join('');
  const finish = w === 'tool' ? 'tool_calls' : text.length < full.length ? 'length' : 'stop';
  const refuses = said.includes(REFUSE);
  const tool = toolOf(rec);
  if (!rec.json.stream) {
    const message =
      w === 'tool'
        ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_up1', type: 'function', function: { name: tool.name, arguments: tool.args } }] }
        : refuses
          ? { role: 'assistant', content: null, refusal: REFUSAL }
          : { role: 'assistant', content: text };
    const choice = { index: 0, message, finish_reason: finish, logprobs: null };
    return sendJson(res, 200, { ...base, object: 'chat.completion', choices: [choice], usage: USAGE.openai });
  }
  const ch = (delta: object, finish: string | null = null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const items: unknown[] = [ch({ role: 'assistant', content: '' })];
  if (w === 'tool')
    items.push(
      ch({ tool_calls: [{ index: 0, id: 'call_up1', type: 'function', function: { name: tool.name, arguments: '' } }] }),
      ...halves(tool.args).map((a) => ch({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
      ch({}, 'tool_calls'),
    );
  else if (refuses) items.push(...WORDS(REFUSAL).map((t) => ch({ refusal: t })), ch({}, 'stop'));
  else items.push(...WORDS(text).map((t) => ch({ content: t })), ch({}, finish));
  if (rec.json.stream_options?.include_usage) items.push({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE.openai });
  startSse(res);
  // A stream cut mid-answer: two chunks, then the connection dies.
  if (said.includes(CUT_STREAM)) return void res.write(sse(items.slice(0, 3)), () => res.destroy());
  res.end(sse(items) + 'data: [DONE]\n\n');
}

function anthropic(rec: Recorded, res: ServerResponse, w: ReturnType<typeof wants>): void {
  const tool = toolOf(rec);
  const text = w === 'json' ? JSON_REPLY : REPLY;
  const thinks = rec.json.thinking?.type === 'enabled';
  const answer = w === 'tool' ? [{ type: 'tool_use', id: 'toolu_up1', name: tool.name, input: JSON.parse(tool.args) }] : [{ type: 'text', text }];
  const content = thinks ? [{ type: 'thinking', thinking: THOUGHT, signature: 'sig_up1' }, ...answer] : answer;
  const stop = w === 'tool' ? 'tool_use' : 'end_turn';
  const message = { id: 'msg_up', type: 'message', role: 'assistant', model: rec.json.model, stop_sequence: null };
  if (!rec.json.stream) return sendJson(res, 200, { ...message, content, stop_reason: stop, usage: USAGE.anthropic });
  const items: object[] = [{ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...USAGE.anthropic, output_tokens: 1 } } }];
  const at = thinks ? 1 : 0;
  if (thinks)
    items.push(
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      ...halves(THOUGHT).map((t) => ({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: t } })),
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig_up1' } },
      { type: 'content_block_stop', index: 0 },
    );
  if (w === 'tool')
    items.push(
      { type: 'content_block_start', index: at, content_block: { type: 'tool_use', id: 'toolu_up1', name: tool.name, input: {} } },
      ...halves(tool.args).map((a) => ({ type: 'content_block_delta', index: at, delta: { type: 'input_json_delta', partial_json: a } })),
    );
  else
    items.push(
      { type: 'content_block_start', index: at, content_block: { type: 'text', text: '' } },
      ...WORDS(text).map((t) => ({ type: 'content_block_delta', index: at, delta: { type: 'text_delta', text: t } })),
    );
  items.push(
    { type: 'content_block_stop', index: at },
    { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.anthropic.output_tokens } },
    { type: 'message_stop' },
  );
  startSse(res);
  res.end(sse(items, true));
}

function cohere(rec: Recorded, res: ServerResponse, w: ReturnType<typeof wants>): void {
  const usage = { billed_units: USAGE.cohere, tokens: USAGE.cohere };
  const text = w === 'json' ? JSON_REPLY : REPLY;
  const tool = toolOf(rec);
  const call = { id: 'co_call1', type: 'function', function: { name: tool.name, arguments: tool.args } };
  const finish = w === 'tool' ? 'TOOL_CALL' : 'COMPLETE';
  if (!rec.json.stream) {
    const message = w === 'tool' ? { role: 'assistant', tool_calls: [call] } : { role: 'assistant', content: [{ type: 'text', text }] };
    return sendJson(res, 200, { id: 'co-1', finish_reason: finish, message, usage });
  }
  const items: object[] = [
    { id: 'co-1', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
  ];
  if (w === 'tool')
    items.push(
      { type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { ...call, function: { name: tool.name, arguments: '' } } } } },
      { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: tool.args } } } } },
      { type: 'tool-call-end', index: 0 },
    );
  else
    items.push(
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } },
      ...WORDS(text).map((t) => ({ type: 'content-delta', index: 0, delta: { message: { content: { text: t } } } })),
      { type: 'content-end', index: 0 },
    );
  items.push({ type: 'message-end', delta: { finish_reason: finish, usage } });
  startSse(res);
  res.end(sse(items, true));
}

function gemini(rec: Recorded, res: ServerResponse, w: ReturnType<typeof wants>): void {
  const text = w === 'json' ? JSON_REPLY : REPLY;
  const tool = toolOf(rec);
  // Asked to think, the model reports its thought tokens (and a thought part, as with includeThoughts).
  const thinks = rec.json.generationConfig?.thinkingConfig !== undefined;
  const usage = thinks ? { ...USAGE.gemini, thoughtsTokenCount: 3, totalTokenCount: USAGE.gemini.totalTokenCount + 3 } : USAGE.gemini;
  const parts = (t: string) => (w === 'tool' ? [{ functionCall: { name: tool.name, args: JSON.parse(tool.args) } }] : [{ text: t }]);
  if (!rec.url.includes('stream'))
    return sendJson(res, 200, {
      candidates: [
        { content: { role: 'model', parts: [...(thinks ? [{ text: THOUGHT, thought: true }] : []), ...parts(text)] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: usage,
      responseId: 'g-1',
    });
  const pieces = w === 'tool' ? [''] : WORDS(text);
  startSse(res);
  res.end(
    pieces
      .map((t, i) => {
        const last = i === pieces.length - 1;
        const cand = { content: { role: 'model', parts: parts(t) }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) };
        return `data: ${JSON.stringify({ candidates: [cand], usageMetadata: last ? usage : { promptTokenCount: 50 }, responseId: 'g-1' })}\r\n\r\n`;
      })
      .join(''),
  );
}

const HANDLERS = { openai, anthropic, cohere, gemini };

export async function startScriptedUpstream(): Promise<FakeUpstream> {
  const up = await startUpstream();
  up.handler = (_req, res, rec) => HANDLERS[dialectOf(rec)](rec, res, wants(rec));
  return up;
}

/** A gateway config with one model per provider type, all on the scripted upstream. */
export function allProvidersConfig(upstream: string, extra = ''): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  oai: { type: openai, base_url: "${upstream}/v1", api_key: "sk-openai-secret-00000000" }
  az: { type: azure-openai, base_url: "${upstream}", api_key: "az-secret-000000000" }
  ant: { type: anthropic, base_url: "${upstream}", api_key: "sk-ant-secret-0000000000" }
  gem: { type: gemini, base_url: "${upstream}", api_key: "AIzaSecret00000000000" }
  co: { type: cohere, base_url: "${upstream}", api_key: "co-secret-0000000000" }
  hf: { type: huggingface, base_url: "${upstream}", api_key: "hf_secret000000000" }
  local: { type: mock }
models:
  - { name: gpt, provider: oai, model: gpt-4o-mini }
  - { name: azure-gpt, provider: az, model: my-deployment }
  - { name: claude, provider: ant, model: claude-sonnet-4-5 }
  - { name: gemini, provider: gem, model: gemini-2.5-flash }
  - { name: command, provider: co, model: command-a-03-2025 }
  - { name: tgi, provider: hf, model: tgi }
  - { name: mock, provider: local, model: mock-1, capabilities: [chat, stream, tools, json_mode] }
${extra}`;
}

/** The model of allProvidersConfig served by each provider type. */
export const MODEL_OF: Readonly<Record<string, string>> = {
  openai: 'gpt',
  'azure-openai': 'azure-gpt',
  anthropic: 'claude',
  gemini: 'gemini',
  cohere: 'command',
  huggingface: 'tgi',
  mock: 'mock',
};
