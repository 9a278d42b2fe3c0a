/**
 * What a Responses request becomes upstream, and what it is refused for: input items
 * (images, developer messages, replayed assistant turns, function calls and outputs,
 * reasoning items), fields the gateway cannot honour (400 naming them, nothing sent
 * upstream), truncated answers (`incomplete`), upstream failures before and during a
 * stream (`error` then `response.failed`; these come last: they trip the deployment's
 * breaker), and the HTTP edges (405, 415, bad JSON).
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { allProvidersConfig, CUT_STREAM, REFUSAL, REFUSE, startScriptedUpstream, UPSTREAM_429 } from './upstream.ts';
import { assertSpec, parseResponseEvents } from './spec.ts';

describe('Responses API requests: translation, refusals, failures', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  const post = (body: Record<string, unknown>) => postJson(`${gw.url}/v1/responses`, { model: 'gpt', ...body });
  const stream = (body: Record<string, unknown>) =>
    fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt', stream: true, ...body }),
    });

  before(async () => {
    up = await startScriptedUpstream();
    gw = await startTestGateway(allProvidersConfig(up.url, 'pipeline: [ { use: validation }, { use: provider } ]'));
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  it('input items become the provider conversation, in order', async () => {
    const r = await post({
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use metric units.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'message', role: 'assistant', id: 'msg_old', status: 'completed', content: [{ type: 'output_text', text: 'A map.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_7', name: 'get_weather', arguments: '{"location":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_7', output: [{ type: 'input_text', text: '3C' }] },
        { role: 'user', content: 'And now?' },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(up.requests.at(-1)!.json.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Use metric units.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: 'A map.',
        tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Oslo"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_7', content: '3C' },
      { role: 'user', content: 'And now?' },
    ]);
  });

  it('tool_choice, parallel_tool_calls, top_p, user and hints reach the provider in its spelling', async () => {
    const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: true }];
    await post({
      input: 'Hi',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      top_p: 0.5,
      user: 'u-1',
      prompt_cache_key: 'pk',
    });
    const sent = up.requests.at(-1)!.json;
    assert.deepEqual(sent.tools, [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: true } }]);
    assert.deepEqual(sent.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    assert.equal(sent.parallel_tool_calls, false);
    assert.equal(sent.top_p, 0.5);
    assert.equal(sent.user, 'u-1');
    assert.equal(sent.prompt_cache_key, 'pk');
  });

  it('input items list newest first by default, and pages with order, limit and after', async () => {
    const r = await post({
      input: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'two' },
        { role: 'user', content: 'three' },
      ],
    });
    const page = async (q: string) => {
      const res = await fetch(`${gw.url}/v1/responses/${r.json.id}/input_items${q}`);
      const body = (await res.json()) as {
        data: Array<{ id: string; content: Array<{ text: string }> }>;
        has_more: boolean;
        first_id: string;
        last_id: string;
      };
      assertSpec('ResponseItemList', body);
      return body;
    };
    const texts = (b: { data: Array<{ content: Array<{ text: string }> }> }) => b.data.map((d) => d.content[0]!.text);
    assert.deepEqual(texts(await page('')), ['three', 'two', 'one']);
    const first = await page('?order=asc&limit=2');
    assert.deepEqual(texts(first), ['one', 'two']);
    assert.equal(first.has_more, true);
    const rest = await page(`?order=asc&limit=2&after=${first.last_id}`);
    assert.deepEqual(texts(rest), ['three']);
    assert.equal(rest.has_more, false);
  });

  /** Each refused with a 400 naming `param`, before anything is sent upstream. */
  const REFUSED: Array<[string, Record<string, unknown>, string, string]> = [
    ['a built-in tool', { input: 'Hi', tools: [{ type: 'web_search' }] }, 'tools[0].type', 'unsupported_capability'],
    ['an unknown parameter', { input: 'Hi', frobnicate: true }, 'frobnicate', 'invalid_request'],
    ['background mode', { input: 'Hi', background: true }, 'background', 'unsupported_capability'],
    ['reasoning summaries', { input: 'Hi', reasoning: { effort: 'low', summary: 'auto' } }, 'reasoning.summary', 'unsupported_capability'],
    ['an include the gateway has nothing for', { input: 'Hi', include: ['file_search_call.results'] }, 'include[0]', 'unsupported_capability'],
    [
      'an image by file id',
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }] },
      'input[0].content[0].file_id',
      'unsupported_capability',
    ],
    [
      'a file input',
      { input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'data:application/pdf;base64,AA==' }] }] },
      'input[0].content[0]',
      'unsupported_capability',
    ],
    ['an unknown input item', { input: [{ type: 'computer_call_output', call_id: 'c', output: {} }] }, 'input[0].type', 'unsupported_capability'],
    ['no model', { model: undefined, input: 'Hi' }, 'model', 'invalid_request'],
    ['no input', { input: [] }, 'input', 'invalid_request'],
    ['a temperature out of range', { input: 'Hi', temperature: 3 }, 'temperature', 'invalid_request'],
    ['max_output_tokens below 1', { input: 'Hi', max_output_tokens: 0 }, 'max_output_tokens', 'invalid_request'],
    ['a json_schema format without a schema', { input: 'Hi', text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', 'invalid_request'],
    ['text.verbosity', { input: 'Hi', text: { verbosity: 'low' } }, 'text.verbosity', 'unsupported_capability'],
    ['an allowed_tools choice', { input: 'Hi', tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }, 'tool_choice.type', 'unsupported_capability'],
    ['truncation auto', { input: 'Hi', truncation: 'auto' }, 'truncation', 'unsupported_capability'],
    ['a stored prompt', { prompt: { id: 'pmpt_1' }, input: 'Hi' }, 'prompt', 'unsupported_capability'],
    ['a conversation', { conversation: 'conv_1', input: 'Hi' }, 'conversation', 'unsupported_capability'],
    ['a function call without a call id', { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'invalid_request'],
    ['a bad role', { input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_request'],
    ['metadata that is not strings', { input: 'Hi', metadata: { n: 1 } }, 'metadata.n', 'invalid_request'],
  ];
  for (const [what, body, param, code] of REFUSED) {
    it(`refuses ${what}: 400 naming ${param}`, async () => {
      const before = up.requests.length;
      const r = await post(body);
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assertSpec('ErrorResponse', r.json);
      assert.equal(r.json.error.param, param);
      assert.equal(r.json.error.code, code);
      assert.equal(up.requests.length, before, 'nothing went upstream');
    });
  }

  it('an answer cut by max_output_tokens is incomplete, JSON and streamed', async () => {
    const r = await post({ input: 'Weather?', max_output_tokens: 3 });
    assertSpec('Response', r.json);
    assert.equal(r.json.status, 'incomplete');
    assert.deepEqual(r.json.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(r.json.output[0].status, 'incomplete');
    assert.equal(r.json.output_text, 'It is 15 ');
    assert.equal(r.json.completed_at, null);
    const events = parseResponseEvents(await (await stream({ input: 'Weather?', max_output_tokens: 3 })).text());
    const end = events.at(-1)!;
    assert.equal(end.type, 'response.incomplete');
    assert.deepEqual(end.response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(events.find((e) => e.type === 'response.output_item.done')!.item.status, 'incomplete');
  });

  it('a refusal is a refusal part, JSON and streamed', async () => {
    const r = await post({ input: REFUSE });
    assertSpec('Response', r.json);
    assert.deepEqual(r.json.output[0].content, [{ type: 'refusal', refusal: REFUSAL }]);
    assert.equal(r.json.output_text, '');
    const events = parseResponseEvents(await (await stream({ input: REFUSE })).text());
    assert.equal(
      events
        .filter((e) => e.type === 'response.refusal.delta')
        .map((e) => e.delta)
        .join(''),
      REFUSAL,
    );
    assert.equal(events.find((e) => e.type === 'response.refusal.done')!.refusal, REFUSAL);
    assert.deepEqual(events.at(-1)!.response.output[0].content, [{ type: 'refusal', refusal: REFUSAL }]);
  });

  it('an upstream failure before the answer is an HTTP error in OpenAI’s shape', async () => {
    const r = await post({ input: UPSTREAM_429 });
    assert.equal(r.status, 429);
    assertSpec('ErrorResponse', r.json);
    assert.equal(r.json.error.code, 'rate_limit_exceeded');
    const s = await stream({ input: UPSTREAM_429 });
    assert.equal(s.status, 429, 'a stream that fails before its first byte is still an HTTP error');
  });

  it('a stream cut mid-answer ends with error and response.failed, and nothing is stored', async () => {
    const r = await stream({ input: CUT_STREAM });
    assert.equal(r.status, 200);
    const events = parseResponseEvents(await r.text());
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(-2), ['error', 'response.failed']);
    assert.ok(!types.includes('response.completed'));
    assert.ok(types.includes('response.output_text.delta'), 'the part that came is passed on');
    const failed = events.at(-1)!.response;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.code, 'server_error');
    const got = await fetch(`${gw.url}/v1/responses/${failed.id}`);
    assert.equal(got.status, 404);
  });

  it('HTTP edges: 405 with Allow, 415, bad JSON, unknown stored ids', async () => {
    const get = await fetch(`${gw.url}/v1/responses`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const put = await fetch(`${gw.url}/v1/responses/resp_x`, { method: 'PUT' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, DELETE');
    const items = await fetch(`${gw.url}/v1/responses/resp_x/input_items`, { method: 'DELETE' });
    assert.equal(items.status, 405);
    const text = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(text.status, 415);
    const bad = await postJson(`${gw.url}/v1/responses`, '{"model":');
    assert.equal(bad.status, 400);
    assertSpec('ErrorResponse', bad.json);
    for (const id of ['resp_00000000000000000000000000000000', 'not-an-id', '..%2F..%2Fkeys']) {
      const r = await fetch(`${gw.url}/v1/responses/${id}`);
      assert.equal(r.status, 404, id);
      assertSpec('ErrorResponse', await r.json());
    }
    assert.equal((await fetch(`${gw.url}/v1/responses/resp_x?stream=true`)).status, 400);
  });
});
