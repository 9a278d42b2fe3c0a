/**
 * Scripted upstreams for the Anthropic-endpoint tests: the shared fake providers
 * (test/integration/providers/fake-providers.ts: OpenAI, Anthropic, Cohere, Gemini wire
 * formats over a real socket), plus what those do not script:
 * - tool calls from Gemini (functionCall parts) and Cohere (tool-call-* events), so every
 *   adapter's tool_use answer can be checked;
 * - upstream model `cut`: an OpenAI stream whose socket is destroyed after two chunks;
 * - upstream model `overloaded`: an Anthropic stream that sends `event: error` mid-answer.
 * And one gateway config serving a model per adapter plus the mock.
 */
import type { ServerResponse } from 'node:http';
import { startFakeProviders } from '../providers/fake-providers.ts';
import { sendJson, startSse, type FakeUpstream, type Recorded } from '../../plugins/provider/helpers/upstream.ts';

export { REPLY, OPENAI_USAGE, ANTHROPIC_USAGE, COHERE_TOKENS, GEMINI_USAGE } from '../providers/fake-providers.ts';

const named = (items: Array<Record<string, unknown>>) => items.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');
const plain = (items: unknown[], eol = '\n\n') => items.map((e) => `data: ${JSON.stringify(e)}${eol}`).join('');

function wantsTool(rec: Recorded): boolean {
  const b = rec.json ?? {};
  const msgs = b.messages ?? b.contents ?? [];
  const last = msgs[msgs.length - 1];
  return b.tools?.length > 0 && last?.role === 'user' && !/tool_result|functionResponse|"role":"tool"/.test(JSON.stringify(last));
}

const GEMINI_CALL = {
  candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } } }] }, finishReason: 'STOP', index: 0 }],
};
const GEMINI_TOOL_USAGE = { promptTokenCount: 50, candidatesTokenCount: 6, totalTokenCount: 56 };

function geminiTool(rec: Recorded, res: ServerResponse): void {
  const body = { ...GEMINI_CALL, usageMetadata: GEMINI_TOOL_USAGE, responseId: 'g-tool' };
  if (!rec.url.includes('stream')) return sendJson(res, 200, body);
  startSse(res);
  res.end(plain([body], '\r\n\r\n'));
}

const COHERE_CALL = { id: 'get_weather_7k2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } };
const COHERE_USAGE = { billed_units: { input_tokens: 4, output_tokens: 8 }, tokens: { input_tokens: 40, output_tokens: 8 } };

function cohereTool(rec: Recorded, res: ServerResponse): void {
  if (!rec.json.stream)
    return sendJson(res, 200, {
      id: 'co-tool',
      finish_reason: 'TOOL_CALL',
      message: { role: 'assistant', tool_plan: 'I will look it up.', tool_calls: [COHERE_CALL] },
      usage: COHERE_USAGE,
    });
  startSse(res);
  res.end(
    named([
      { id: 'co-tool', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
      { type: 'tool-plan-delta', delta: { message: { tool_plan: 'I will look it up.' } } },
      { type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { ...COHERE_CALL, function: { name: 'get_weather', arguments: '' } } } } },
      { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '{"location":' } } } } },
      { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '"Paris"}' } } } } },
      { type: 'tool-call-end', index: 0 },
      { type: 'message-end', delta: { finish_reason: 'TOOL_CALL', usage: COHERE_USAGE } },
    ]),
  );
}

const openaiChunk = (delta: object) => ({
  id: 'chatcmpl-cut',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'cut',
  choices: [{ index: 0, delta, finish_reason: null }],
});

/** Two chunks, then the connection is destroyed mid-answer (a reset, not a clean end). */
function cutStream(res: ServerResponse): void {
  startSse(res);
  res.write(plain([openaiChunk({ role: 'assistant', content: '' }), openaiChunk({ content: 'Half an ans' })]));
  setTimeout(() => res.destroy(), 30);
}

/** An Anthropic stream that reports an overload after the first text delta. */
function overloadedStream(rec: Recorded, res: ServerResponse): void {
  const message = { id: 'msg_over', type: 'message', role: 'assistant', model: rec.json.model, content: [], stop_reason: null, stop_sequence: null };
  startSse(res);
  res.end(
    named([
      { type: 'message_start', message: { ...message, usage: { input_tokens: 11, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Partial' } },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]),
  );
}

export async function startScriptedUpstreams(): Promise<FakeUpstream> {
  const up = await startFakeProviders();
  const shared = up.handler;
  up.handler = (req, res, rec) => {
    if (rec.json?.model === 'cut') return cutStream(res);
    if (rec.json?.model === 'overloaded') return overloadedStream(rec, res);
    if (rec.url.startsWith('/v1beta/models/') && wantsTool(rec)) return geminiTool(rec, res);
    if (rec.url.startsWith('/v2/chat') && wantsTool(rec)) return cohereTool(rec, res);
    return shared(req, res, rec);
  };
  return up;
}

/** Gateway models: one per adapter (tools on), the mock, and the two failing streams. */
export const ADAPTER_MODELS = ['via-openai', 'via-anthropic', 'via-gemini', 'via-cohere', 'via-mock'] as const;

export function gatewayYaml(upstreamUrl: string, pipeline = '[ { use: provider } ]'): string {
  return `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  oai: { type: openai, base_url: "${upstreamUrl}/v1", api_key: "sk-upstream-secret-000000" }
  ant: { type: anthropic, base_url: "${upstreamUrl}", api_key: "sk-ant-secret-0000000000" }
  gem: { type: gemini, base_url: "${upstreamUrl}", api_key: "AIzaSecret00000000000" }
  co: { type: cohere, base_url: "${upstreamUrl}", api_key: "co-secret-0000000000" }
  local: { type: mock }
models:
  - { name: via-openai, provider: oai, model: gpt-4o-mini, context_window: 128000, max_output_tokens: 16384, capabilities: [chat, stream, tools] }
  - { name: via-anthropic, provider: ant, model: claude-sonnet-4-5, capabilities: [chat, stream, tools] }
  - { name: via-gemini, provider: gem, model: gemini-2.5-flash, capabilities: [chat, stream, tools] }
  - { name: via-cohere, provider: co, model: command-a-03-2025, capabilities: [chat, stream, tools] }
  - { name: via-mock, provider: local, model: mock-gpt, capabilities: [chat, stream, tools] }
  - { name: cut, provider: oai, model: cut, capabilities: [chat, stream] }
  - { name: overloaded, provider: ant, model: overloaded, capabilities: [chat, stream] }
  - { name: embedder, provider: local, model: mock-embed, capabilities: [embeddings] }
pipeline: ${pipeline}
`;
}
