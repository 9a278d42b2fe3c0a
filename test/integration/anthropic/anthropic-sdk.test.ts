/**
 * The official @anthropic-ai/sdk, unchanged, against the gateway (baseURL = the gateway's
 * root: the SDK appends /v1/messages), with scripted upstreams behind it: create, stream
 * (input tokens at message_start, the upstream's final usage at the end), countTokens,
 * models.list/retrieve with paging, and error objects carrying request ids and types.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { decodeAnthropicRequest } from '../../../src/engine/server/codecs/anthropic-decode.ts';
import { countPromptTokensSync } from '../../../src/engine/tokens/count.ts';
import { ANTHROPIC_USAGE, OPENAI_USAGE, REPLY, gatewayYaml, startScriptedUpstreams } from './upstreams.ts';

const tools: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Current weather',
    input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
];
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
const system = 'Answer briefly.';

/** What the gateway's own counter gives for this prompt with the tokenizer of `upstreamModel`. */
const counted = (upstreamModel: string, extra: Record<string, unknown> = {}) =>
  countPromptTokensSync(decodeAnthropicRequest({ model: 'm', max_tokens: 1, system, messages, ...extra }), upstreamModel);

describe('@anthropic-ai/sdk against the gateway', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  let client: Anthropic;
  before(async () => {
    up = await startScriptedUpstreams();
    gw = await startTestGateway(gatewayYaml(up.url));
    client = new Anthropic({ baseURL: gw.url, apiKey: 'any-key', maxRetries: 0 });
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  it('messages.create: the answer, its usage, and the request id the SDK reads', async () => {
    const { data: msg, request_id } = await client.messages.create({ model: 'via-openai', max_tokens: 64, system, messages }).withResponse();
    assert.deepEqual(msg.content, [{ type: 'text', text: REPLY }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, OPENAI_USAGE.prompt_tokens - OPENAI_USAGE.prompt_tokens_details.cached_tokens);
    assert.equal(msg.usage.cache_read_input_tokens, OPENAI_USAGE.prompt_tokens_details.cached_tokens);
    assert.match(request_id ?? '', /^[0-9a-f-]{36}$/);
  });

  it("stream: message_start reports the gateway's exact count, the final message the upstream's figures", async () => {
    const stream = client.messages.stream({ model: 'via-openai', max_tokens: 64, system, messages });
    let startUsage: Anthropic.Usage | undefined;
    const types = new Set<string>();
    stream.on('streamEvent', (e) => {
      types.add(e.type);
      if (e.type === 'message_start') startUsage = { ...e.message.usage }; // the SDK later updates this object in place
    });
    const final = await stream.finalMessage();
    assert.equal(startUsage?.input_tokens, counted('gpt-4o-mini'), 'o200k count of system + user message');
    assert.ok(startUsage!.input_tokens > 0);
    assert.equal(final.usage.input_tokens, OPENAI_USAGE.prompt_tokens - OPENAI_USAGE.prompt_tokens_details.cached_tokens);
    assert.equal(final.usage.output_tokens, OPENAI_USAGE.completion_tokens);
    assert.equal((final.content[0] as Anthropic.TextBlock).text, REPLY);
    assert.deepEqual([...types].sort(), ['content_block_delta', 'content_block_start', 'content_block_stop', 'message_delta', 'message_start', 'message_stop']);
  });

  it("stream from an Anthropic upstream: message_start carries the upstream's input and cache figures", async () => {
    const stream = client.messages.stream({ model: 'via-anthropic', max_tokens: 64, messages });
    let startUsage: Anthropic.Usage | undefined;
    stream.on('streamEvent', (e) => {
      if (e.type === 'message_start') startUsage = { ...e.message.usage }; // the SDK later updates this object in place
    });
    const final = await stream.finalMessage();
    assert.equal(startUsage?.input_tokens, ANTHROPIC_USAGE.input_tokens);
    assert.equal(startUsage?.cache_read_input_tokens, ANTHROPIC_USAGE.cache_read_input_tokens);
    assert.equal(startUsage?.cache_creation_input_tokens, ANTHROPIC_USAGE.cache_creation_input_tokens);
    assert.equal(final.usage.output_tokens, ANTHROPIC_USAGE.output_tokens);
  });

  it('countTokens: exact for an OpenAI-family tokenizer, the chars/4 estimate for others; no upstream call', async () => {
    const before = up.requests.length;
    const exact = await client.messages.countTokens({ model: 'via-openai', system, messages, tools });
    assert.equal(exact.input_tokens, counted('gpt-4o-mini', { tools }));
    const estimate = await client.messages.countTokens({ model: 'via-anthropic', system, messages });
    assert.equal(estimate.input_tokens, counted('claude-sonnet-4-5'));
    assert.notEqual(exact.input_tokens, estimate.input_tokens);
    assert.equal(up.requests.length, before, 'no provider was called');
  });

  it('models.list pages through the chat models in config order; retrieve gives one', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list({ limit: 3 })) ids.push(m.id);
    assert.deepEqual(ids, ['via-openai', 'via-anthropic', 'via-gemini', 'via-cohere', 'via-mock', 'cut', 'overloaded']);
    const first = await client.models.list({ limit: 3 });
    assert.equal(first.data.length, 3);
    assert.equal(first.has_more, true);
    const m = await client.models.retrieve('via-openai');
    assert.equal(m.type, 'model');
    assert.equal(m.display_name, 'via-openai');
    assert.equal(m.max_input_tokens, 128000);
    assert.equal(m.max_tokens, 16384);
    assert.ok(!Number.isNaN(Date.parse(m.created_at)));
  });

  it('error objects carry the status class, error type and request id (header and body)', async () => {
    const err = await client.messages.create({ model: 'nope', max_tokens: 5, messages }).catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.NotFoundError);
    assert.equal(err.type, 'not_found_error');
    assert.match(err.requestID ?? '', /^[0-9a-f-]{36}$/);
    assert.equal((err.error as { request_id?: string }).request_id, err.requestID);

    const badParams = { model: 'via-mock', max_tokens: 5, messages, temperature: 'hot' } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    const bad = await client.messages.create(badParams).catch((e: unknown) => e);
    assert.ok(bad instanceof Anthropic.BadRequestError);
    assert.equal(bad.type, 'invalid_request_error');
    assert.match(bad.message, /temperature/);
    assert.equal((bad.error as { request_id?: string }).request_id, bad.requestID);

    const missing = await client.models.retrieve('embedder').catch((e: unknown) => e);
    assert.ok(missing instanceof Anthropic.NotFoundError, 'an embeddings-only model is not an Anthropic model');
  });

  it('a mid-stream upstream error surfaces as an APIError with its type and request id', async () => {
    const stream = client.messages.stream({ model: 'overloaded', max_tokens: 5, messages });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.type, 'overloaded_error');
    assert.match(err.requestID ?? '', /^[0-9a-f-]{36}$/);
    assert.equal((err.error as { request_id?: string }).request_id, err.requestID);
  });
});
