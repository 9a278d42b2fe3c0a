/**
 * Unit tests of the Anthropic codec's newer parts: count_tokens decoding, where
 * message_start's input tokens come from, tool_use ids and inputs, models pages, and
 * which requests speak Anthropic's dialect.
 */
import assert from 'node:assert/strict';
import { anthropicCodec, anthropicCountTokensCodec, speaksAnthropic } from '../../../../src/engine/server/codecs/anthropic.ts';
import { anthropicModelPage } from '../../../../src/engine/server/codecs/anthropic-models.ts';
import { parseArgs, toolUseId } from '../../../../src/engine/server/codecs/anthropic-encode.ts';
import { RequestContext } from '../../../../src/engine/context.ts';
import type { StreamEvent } from '../../../../src/engine/types.ts';
import { logger } from '../../../plugins/provider/helpers/upstream.ts';

const ctx = (body: unknown) =>
  new RequestContext({
    id: 'req-9',
    endpoint: 'messages',
    method: 'POST',
    path: '/v1/messages',
    headers: {},
    clientIp: '127.0.0.1',
    generation: 1,
    log: logger,
    signal: new AbortController().signal,
    body,
  });

const first: StreamEvent = {
  data: {
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  },
};
const messageStartUsage = (text: string) => JSON.parse(text.split('\n')[1]!.slice(6)).message.usage;

describe('anthropic codec: count_tokens, message_start usage, models pages', () => {
  describe('count_tokens decoding', () => {
    it('takes the prompt without max_tokens or sampling fields', () => {
      const req = anthropicCountTokensCodec.decodeRequest({
        model: 'm',
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Hi' }],
        tools: [{ name: 't', input_schema: { type: 'object' } }],
      });
      assert.deepEqual(req, {
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }],
      });
    });
    for (const [what, body, param] of [
      ['no model', { messages: [{ role: 'user', content: 'x' }] }, 'model'],
      ['no messages', { model: 'm' }, 'messages'],
      ['a bad block', { model: 'm', messages: [{ role: 'user', content: [{ type: 'document' }] }] }, 'messages.0.content.0.type'],
    ] as const) {
      it(`refuses ${what} with a 400 naming '${param}'`, () => {
        assert.throws(
          () => anthropicCountTokensCodec.decodeRequest(body),
          (e: any) => e.code === 'GW_ERR_INVALID_REQUEST' && e.param === param,
        );
      });
    }
  });

  describe('message_start input tokens', () => {
    it("uses the upstream's early figures when the first chunk carries them", () => {
      const usage = { prompt_tokens: 45, completion_tokens: 0, total_tokens: 45, prompt_tokens_details: { cached_tokens: 12, cache_creation_tokens: 3 } };
      const text = anthropicCodec.streamEncoder(ctx({ messages: [] })).event({ ...first, promptUsage: usage });
      assert.deepEqual(messageStartUsage(text), { input_tokens: 30, output_tokens: 0, cache_read_input_tokens: 12, cache_creation_input_tokens: 3 });
    });
    it('else the count made for this request, cache figures unknown', () => {
      const c = ctx({ messages: [{ role: 'user', content: 'hello' }] });
      c.promptTokens = 17;
      assert.deepEqual(messageStartUsage(anthropicCodec.streamEncoder(c).event(first)), {
        input_tokens: 17,
        output_tokens: 0,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
      });
    });
    it('else the chars/4 estimate of the prompt, never 0 for a non-empty prompt', () => {
      const text = anthropicCodec.streamEncoder(ctx({ messages: [{ role: 'user', content: 'x'.repeat(40) }] })).event(first);
      // 40 + 4 ('user') characters → 11, plus 3 per message.
      assert.equal(messageStartUsage(text).input_tokens, 14);
    });
    it('a ping follows message_start', () => {
      const text = anthropicCodec.streamEncoder(ctx({ messages: [] })).event(first);
      assert.deepEqual(
        text
          .split('\n\n')
          .filter(Boolean)
          .map((b) => b.split('\n')[0]),
        ['event: message_start', 'event: ping'],
      );
    });
  });

  describe('tool_use ids and inputs', () => {
    it("keeps Anthropic's id alphabet, numbering calls without one", () => {
      assert.equal(toolUseId('call_Ab-9', 0), 'call_Ab-9');
      assert.equal(toolUseId('fc.12:3', 0), 'fc_12_3');
      assert.equal(toolUseId(undefined, 2), 'toolu_2');
    });
    it('input is always an object', () => {
      assert.deepEqual(parseArgs('{"a":1}'), { a: 1 });
      assert.deepEqual(parseArgs(''), {});
      assert.deepEqual(parseArgs('[1]'), { _raw: '[1]' });
      assert.deepEqual(parseArgs('{"a":'), { _raw: '{"a":' });
    });
  });

  describe('models pages', () => {
    const models = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, created: 1700000000 }));
    const page = (q: string) =>
      anthropicModelPage(models, new URLSearchParams(q)) as { data: Array<{ id: string }>; has_more: boolean; first_id: string; last_id: string };
    const ids = (q: string) => page(q).data.map((m) => m.id);

    it('pages forward with limit and after_id, backward with before_id', () => {
      assert.deepEqual(ids(''), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual({ ...page('limit=2'), data: undefined }, { data: undefined, has_more: true, first_id: 'a', last_id: 'b' });
      assert.deepEqual(ids('limit=2&after_id=b'), ['c', 'd']);
      assert.equal(page('limit=2&after_id=c').has_more, false);
      assert.deepEqual(ids('limit=2&before_id=e'), ['c', 'd']);
      assert.equal(page('limit=2&before_id=e').has_more, true);
      assert.equal(page('limit=2&before_id=c').has_more, false);
      assert.deepEqual(ids('after_id=a&before_id=d'), ['b', 'c']);
      assert.deepEqual(page('after_id=e'), { data: [], has_more: false, first_id: null, last_id: null });
    });
    it('describes each model as a ModelInfo', () => {
      assert.deepEqual(anthropicModelPage([{ id: 'gpt-4o', created: 1700000000, contextWindow: 128000 }], new URLSearchParams()).data, [
        {
          type: 'model',
          id: 'gpt-4o',
          display_name: 'gpt-4o',
          created_at: '2023-11-14T22:13:20.000Z',
          capabilities: null,
          max_input_tokens: 128000,
          max_tokens: null,
        },
      ]);
    });
    for (const q of ['limit=0', 'limit=1001', 'limit=x', 'after_id=zz']) {
      it(`refuses ${q} with a 400`, () => {
        assert.throws(
          () => page(q),
          (e: any) => e.code === 'GW_ERR_INVALID_REQUEST' && e.param === q.split('=')[0],
        );
      });
    }
  });

  it('speaks Anthropic under /v1/messages and whenever anthropic-version is sent', () => {
    assert.equal(speaksAnthropic({}, '/v1/messages/batches'), true);
    assert.equal(speaksAnthropic({}, '/v1/messages?beta=true'), true);
    assert.equal(speaksAnthropic({}, '/v1/messagesx'), false);
    assert.equal(speaksAnthropic({ 'anthropic-version': '2023-06-01' }, '/v1/models'), true);
    assert.equal(speaksAnthropic({}, '/v1/models'), false);
  });
});
