/**
 * One local node:http server that speaks each provider's documented wire format, routed
 * by path: OpenAI (/v1/chat/completions, also TGI's route), Azure
 * (/openai/deployments/…), Anthropic (/v1/messages), Cohere (/v2/chat) and Gemini
 * (/v1beta/models/…), Hugging Face TGI native (/generate, /generate_stream) and serverless
 * (/models/{model}), and the embeddings routes (OpenAI /embeddings, Cohere /v2/embed,
 * Gemini :embedContent, TEI /embed). Every dialect answers the same way: a `get_weather` tool call when
 * tools are offered and the last turn is the user's, otherwise REPLY; usage is fixed per
 * dialect so tests can compare what the gateway recorded.
 */
import type { ServerResponse } from 'node:http';
import { startUpstream, sendJson, startSse, type FakeUpstream, type Recorded } from '../../plugins/provider/helpers/upstream.ts';

export const REPLY = 'It is 15 degrees in Paris.';
const WORDS = REPLY.split(/(?<= )/);
const ARGS = '{"location":"Paris"}';

function wantsTool(rec: Recorded): boolean {
  const b = rec.json ?? {};
  const tools = b.tools?.length > 0;
  const msgs = b.messages ?? b.contents ?? [];
  const last = msgs[msgs.length - 1];
  const lastIsUserText = last && last.role === 'user' && !JSON.stringify(last).match(/tool_result|functionResponse/);
  return tools && lastIsUserText;
}

const sseOf = (items: unknown[], named = false) =>
  items.map((e) => (named ? `event: ${(e as { type: string }).type}\n` : '') + `data: ${JSON.stringify(e)}\n\n`).join('');

export const OPENAI_USAGE = { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28, prompt_tokens_details: { cached_tokens: 5 } };

function openai(rec: Recorded, res: ServerResponse): void {
  const tool = wantsTool(rec);
  const base = { id: 'chatcmpl-fake', created: 1700000000, model: rec.json.model ?? 'deployment' };
  if (!rec.json.stream) {
    const message = tool
      ? {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: ARGS } }],
        }
      : { role: 'assistant', content: REPLY, refusal: null };
    return sendJson(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, finish_reason: tool ? 'tool_calls' : 'stop', logprobs: null }],
      usage: OPENAI_USAGE,
    });
  }
  const ch = (delta: object, finish: string | null = null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const items: unknown[] = [ch({ role: 'assistant', content: '' })];
  if (tool)
    items.push(
      ch({ tool_calls: [{ index: 0, id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      ch({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
      ch({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      ch({}, 'tool_calls'),
    );
  else items.push(...WORDS.map((w) => ch({ content: w })), ch({}, 'stop'));
  if (rec.json.stream_options?.include_usage) items.push({ ...base, object: 'chat.completion.chunk', choices: [], usage: OPENAI_USAGE });
  startSse(res);
  res.end(sseOf(items) + 'data: [DONE]\n\n');
}

export const ANTHROPIC_USAGE = { input_tokens: 30, output_tokens: 9, cache_read_input_tokens: 12, cache_creation_input_tokens: 3 };

function anthropic(rec: Recorded, res: ServerResponse): void {
  const tool = wantsTool(rec);
  const content = tool ? [{ type: 'tool_use', id: 'toolu_fake1', name: 'get_weather', input: { location: 'Paris' } }] : [{ type: 'text', text: REPLY }];
  const stop = tool ? 'tool_use' : 'end_turn';
  if (!rec.json.stream)
    return sendJson(res, 200, {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: rec.json.model,
      content,
      stop_reason: stop,
      stop_sequence: null,
      usage: ANTHROPIC_USAGE,
    });
  const items: Array<Record<string, unknown>> = [
    {
      type: 'message_start',
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model: rec.json.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...ANTHROPIC_USAGE, output_tokens: 1 },
      },
    },
    { type: 'ping' },
  ];
  if (tool)
    items.push(
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_fake1', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"location":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ' "Paris"}' } },
    );
  else
    items.push(
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ...WORDS.map((w) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } })),
    );
  items.push(
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: ANTHROPIC_USAGE.output_tokens } },
    { type: 'message_stop' },
  );
  startSse(res);
  res.end(sseOf(items, true));
}

export const COHERE_TOKENS = { input_tokens: 40, output_tokens: 8 };

function cohere(rec: Recorded, res: ServerResponse): void {
  const usage = { billed_units: { input_tokens: 4, output_tokens: 8 }, tokens: COHERE_TOKENS };
  if (!rec.json.stream)
    return sendJson(res, 200, { id: 'co-1', finish_reason: 'COMPLETE', message: { role: 'assistant', content: [{ type: 'text', text: REPLY }] }, usage });
  startSse(res);
  res.end(
    sseOf(
      [
        { id: 'co-1', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
        { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } },
        ...WORDS.map((w) => ({ type: 'content-delta', index: 0, delta: { message: { content: { text: w } } } })),
        { type: 'content-end', index: 0 },
        { type: 'message-end', delta: { finish_reason: 'COMPLETE', usage } },
      ],
      true,
    ),
  );
}

export const GEMINI_USAGE = { promptTokenCount: 50, candidatesTokenCount: 6, totalTokenCount: 66, cachedContentTokenCount: 20, thoughtsTokenCount: 10 };

function gemini(rec: Recorded, res: ServerResponse): void {
  if (!rec.url.includes('stream'))
    return sendJson(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text: REPLY }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: GEMINI_USAGE,
      responseId: 'g-1',
    });
  startSse(res);
  res.end(
    WORDS.map(
      (w, i) =>
        `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: w }] }, index: 0, ...(i === WORDS.length - 1 ? { finishReason: 'STOP' } : {}) }], usageMetadata: i === WORDS.length - 1 ? GEMINI_USAGE : { promptTokenCount: 50 }, responseId: 'g-1' })}\r\n\r\n`,
    ).join(''),
  );
}

/**
 * The vector every dialect's embeddings route answers for a text: values float32 holds
 * exactly, so a base64 round trip must give them back unchanged; `dims` (the dialect's
 * own dimensions parameter) sets its length.
 */
export function fakeVector(text: string, dims = 4): number[] {
  return Array.from({ length: dims }, (_, i) => (i === 0 ? text.length : [0.5, -0.25, 0.125][(i - 1) % 3]! * i));
}
export const EMBED_TOKENS = { cohere: 13, openai: 17 };

/** The embeddings routes of every dialect (see startFakeProviders). */
export const EMBEDDINGS_ROUTE = /\/v2\/embed|:(batchE|e)mbedContent|^\/embed$|\/embeddings/;

export function embeddings(rec: Recorded, res: ServerResponse): void {
  const b = rec.json ?? {};
  if (rec.url.startsWith('/v2/embed')) {
    const float = (b.texts as string[]).map((t) => fakeVector(t, b.output_dimension));
    return sendJson(res, 200, { id: 'e-1', embeddings: { float }, texts: b.texts, meta: { billed_units: { input_tokens: EMBED_TOKENS.cohere } } });
  }
  if (rec.url.includes(':batchEmbedContents'))
    return sendJson(res, 200, { embeddings: b.requests.map((r: any) => ({ values: fakeVector(r.content.parts[0].text, r.outputDimensionality) })) });
  if (rec.url.includes(':embedContent')) return sendJson(res, 200, { embedding: { values: fakeVector(b.content.parts[0].text, b.outputDimensionality) } });
  if (rec.url === '/embed')
    return sendJson(
      res,
      200,
      (b.inputs as string[]).map((t) => fakeVector(t, b.dimensions)),
    );
  // OpenAI and Azure: OpenAI's own base64 (little-endian float32) when asked.
  const inputs: string[] = Array.isArray(b.input) ? b.input : [b.input];
  const data = inputs.map((t, index) => {
    const v = fakeVector(t, b.dimensions);
    return { object: 'embedding', index, embedding: b.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v };
  });
  sendJson(res, 200, {
    object: 'list',
    data,
    model: b.model ?? 'deployment',
    usage: { prompt_tokens: EMBED_TOKENS.openai, total_tokens: EMBED_TOKENS.openai },
  });
}

export const TGI_DETAILS = { input_length: 12, generated_tokens: 7 };

/** TGI's native routes (/generate, /generate_stream) and the serverless Inference API (/models/{model}). */
function huggingface(rec: Recorded, res: ServerResponse): void {
  if (rec.url.startsWith('/models/')) return sendJson(res, 200, [{ generated_text: REPLY }]);
  const details = { finish_reason: 'eos_token', generated_tokens: TGI_DETAILS.generated_tokens, seed: null };
  if (rec.url === '/generate')
    return sendJson(res, 200, {
      generated_text: REPLY,
      details: { ...details, prefill: Array.from({ length: TGI_DETAILS.input_length }, (_, id) => ({ id, text: 't' })), tokens: [] },
    });
  startSse(res);
  const tokens = WORDS.map((text, i) => ({ index: i + 1, token: { id: i, text, logprob: -0.1, special: false }, generated_text: null, details: null }));
  tokens.push({
    index: WORDS.length + 1,
    token: { id: 0, text: '</s>', logprob: 0, special: true },
    generated_text: REPLY,
    details: { ...details, input_length: TGI_DETAILS.input_length },
  } as never);
  res.end(sseOf(tokens));
}

export async function startFakeProviders(): Promise<FakeUpstream> {
  const up = await startUpstream();
  up.handler = (_req, res, rec) => {
    if (EMBEDDINGS_ROUTE.test(rec.url)) return embeddings(rec, res);
    if (rec.url.startsWith('/v1/messages')) return anthropic(rec, res);
    if (rec.url.startsWith('/v2/chat')) return cohere(rec, res);
    if (rec.url.startsWith('/v1beta/models/')) return gemini(rec, res);
    if (rec.url.includes('/chat/completions')) return openai(rec, res);
    if (/^\/(generate|generate_stream|models\/.+)$/.test(rec.url)) return huggingface(rec, res);
    sendJson(res, 404, { error: { message: `no route ${rec.url}` } });
  };
  return up;
}
