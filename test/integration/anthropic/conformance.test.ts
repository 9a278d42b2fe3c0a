/**
 * Conformance of the Anthropic-compatible endpoint (issue #10.4, Anthropic half): every
 * answer of /v1/messages — plain and streamed, text and tool_use, from the openai,
 * anthropic, gemini and cohere adapters' scripted upstreams and from the mock — validates
 * against Anthropic's Messages schemas (vendored, test/fixtures/specs/anthropic), every
 * stream follows Anthropic's event grammar, and every error body (routing 404/405, bad
 * input, auth, rate limits, mid-stream `error` events) is Anthropic's ErrorResponse whose
 * request_id is the response's request-id / x-request-id.
 */
import assert from 'node:assert/strict';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { ADAPTER_MODELS, gatewayYaml, startScriptedUpstreams } from './upstreams.ts';
import { assertValid, assertValidEvent, parseAnthropicSse, type SseEvent } from './schemas.ts';

const TOOLS = [
  {
    name: 'get_weather',
    description: 'Current weather',
    input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
];
const ASK = [{ role: 'user', content: 'Weather in Paris?' }];
const V = { 'anthropic-version': '2023-06-01' };

/** Anthropic's stream grammar: start, ping, well-nested blocks with matching deltas, delta, stop. */
function assertGrammar(events: SseEvent[]): void {
  const types = events.map((e) => e.event);
  assert.equal(types[0], 'message_start');
  assert.equal(types[1], 'ping');
  assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
  let open: { index: number; type: string } | undefined;
  let next = 0;
  for (const { event, data } of events.slice(2, -2)) {
    if (event === 'content_block_start') {
      assert.equal(open, undefined, 'a block starts only after the previous one stopped');
      assert.equal(data.index, next++, 'block indexes count up from 0');
      open = { index: data.index, type: data.content_block.type };
    } else if (event === 'content_block_delta') {
      assert.equal(data.index, open?.index, 'a delta belongs to the open block');
      assert.equal(data.delta.type, open!.type === 'text' ? 'text_delta' : 'input_json_delta');
    } else {
      assert.equal(event, 'content_block_stop');
      assert.equal(data.index, open?.index);
      open = undefined;
    }
  }
  assert.equal(open, undefined, 'every block is stopped before message_delta');
}

/** The text and the tool_use inputs a stream spells out. */
function assembled(events: SseEvent[]): { text: string; tools: unknown[] } {
  let text = '';
  const json: string[] = [];
  for (const { data } of events) {
    if (data.type === 'content_block_start' && data.content_block.type === 'tool_use') json[data.index] = '';
    if (data.delta?.type === 'text_delta') text += data.delta.text;
    if (data.delta?.type === 'input_json_delta') json[data.index] += data.delta.partial_json;
  }
  return { text, tools: json.filter((j) => j !== undefined).map((j) => JSON.parse(j)) };
}

async function stream(url: string, body: Record<string, unknown>): Promise<{ status: number; headers: Headers; events: SseEvent[] }> {
  const r = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...V },
    body: JSON.stringify({ ...body, stream: true }),
  });
  return { status: r.status, headers: r.headers, events: parseAnthropicSse(await r.text()) };
}

function assertErrorBody(r: { headers: Headers; json: any }, type: string): void {
  assertValid('ErrorResponse', r.json);
  assert.equal(r.json.error.type, type);
  assert.ok(r.json.request_id, 'request_id is set');
  assert.equal(r.json.request_id, r.headers.get('request-id'));
  assert.equal(r.json.request_id, r.headers.get('x-request-id'));
}

describe('Anthropic endpoint conformance (answers validate against the Messages schemas)', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  before(async () => {
    up = await startScriptedUpstreams();
    gw = await startTestGateway(gatewayYaml(up.url));
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  it('the validator rejects what Anthropic would not send (so the checks below can fail)', () => {
    const msg = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'text', text: 'x' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    };
    const usage = { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    assertValid('Message', { ...msg, usage });
    assert.throws(() => assertValid('Message', msg), /usage/);
    assert.throws(() => assertValid('Message', { ...msg, usage, stop_reason: 'stop' }));
    assert.throws(() => assertValid('Message', { ...msg, usage, content: [{ type: 'image', source: {} }] }));
    assert.throws(() => assertValidEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text', text: 'x' } }));
    assert.throws(() => assertValid('ErrorResponse', { type: 'error', error: { type: 'invalid_request', message: 'x' }, request_id: 'r' }));
  });

  for (const model of ADAPTER_MODELS) {
    const tools = model === 'via-mock' ? [false] : [false, true];
    for (const withTools of tools) {
      const what = withTools ? 'tool_use' : 'text';
      const body = { model, max_tokens: 200, messages: ASK, ...(withTools ? { tools: TOOLS } : {}) };

      it(`${model}, ${what}, plain: a valid Message`, async () => {
        const r = await postJson(`${gw.url}/v1/messages`, body, V);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assertValid('Message', r.json);
        assert.match(r.json.id, /^msg_/);
        if (withTools) {
          assert.equal(r.json.stop_reason, 'tool_use');
          assert.deepEqual(r.json.content.find((b: { type: string }) => b.type === 'tool_use').input, { location: 'Paris' });
        } else {
          assert.equal(r.json.stop_reason, 'end_turn');
          assert.ok(r.json.content[0].text.length > 0);
        }
        assert.ok(r.json.usage.input_tokens > 0 && r.json.usage.output_tokens > 0, JSON.stringify(r.json.usage));
        assert.ok(r.headers.get('request-id'));
      });

      it(`${model}, ${what}, streamed: every event valid, Anthropic's grammar, input tokens in message_start`, async () => {
        const { status, headers, events } = await stream(gw.url, body);
        assert.equal(status, 200);
        assert.match(headers.get('content-type') ?? '', /^text\/event-stream/);
        assert.ok(headers.get('request-id'));
        events.forEach((e) => assertValidEvent(e.data));
        assertGrammar(events);
        assert.ok(events[0]!.data.message.usage.input_tokens > 0, 'message_start reports input tokens');
        const delta = events.at(-2)!.data;
        assert.ok(delta.usage.output_tokens > 0);
        const { text, tools: inputs } = assembled(events);
        if (withTools) {
          assert.equal(delta.delta.stop_reason, 'tool_use');
          assert.deepEqual(inputs, [{ location: 'Paris' }]);
        } else {
          assert.equal(delta.delta.stop_reason, 'end_turn');
          assert.ok(text.length > 0);
        }
      });
    }
  }

  it('a stream cut mid-answer ends with a valid error event carrying the request id', async () => {
    const { status, headers, events } = await stream(gw.url, { model: 'cut', max_tokens: 10, messages: ASK });
    assert.equal(status, 200);
    events.forEach((e) => assertValidEvent(e.data));
    const last = events.at(-1)!;
    assert.equal(last.event, 'error');
    assert.equal(last.data.error.type, 'overloaded_error');
    assert.equal(last.data.request_id, headers.get('request-id'));
    assert.ok(!events.some((e) => e.event === 'message_stop'), 'never a clean end');
  });

  it("an upstream's mid-stream error event reaches the client as a valid error event", async () => {
    const { headers, events } = await stream(gw.url, { model: 'overloaded', max_tokens: 10, messages: ASK });
    events.forEach((e) => assertValidEvent(e.data));
    assert.equal(events[0]!.data.message.usage.input_tokens, 11, "the upstream's message_start figure");
    assert.equal(events.at(-1)!.event, 'error');
    assert.equal(events.at(-1)!.data.request_id, headers.get('x-request-id'));
  });

  it('count_tokens, models list and model answers validate', async () => {
    const count = await postJson(`${gw.url}/v1/messages/count_tokens`, { model: 'via-openai', messages: ASK }, V);
    assert.equal(count.status, 200);
    assertValid('CountMessageTokensResponse', count.json);
    const list = await fetch(`${gw.url}/v1/models`, { headers: V });
    const page = await list.json();
    assertValid('ListResponse_ModelInfo_', page);
    for (const m of (page as { data: unknown[] }).data) assertValid('ModelInfo', m);
    const one = await fetch(`${gw.url}/v1/models/via-openai`, { headers: V });
    assertValid('ModelInfo', await one.json());
  });

  it('routing and input errors are valid ErrorResponses with the request id', async () => {
    const notFound = await postJson(`${gw.url}/v1/messages/batches`, {}, V);
    assert.equal(notFound.status, 404);
    assertErrorBody(notFound, 'not_found_error');
    const wrongMethod = await fetch(`${gw.url}/v1/messages`, { headers: V });
    assert.equal(wrongMethod.status, 405);
    assertErrorBody({ headers: wrongMethod.headers, json: await wrongMethod.json() }, 'invalid_request_error');
    const bad = await postJson(`${gw.url}/v1/messages`, { model: 'via-mock', messages: ASK }, { ...V, 'x-request-id': 'client-id-1' });
    assert.equal(bad.status, 400);
    assertErrorBody(bad, 'invalid_request_error');
    assert.equal(bad.json.request_id, 'client-id-1', "the client's own sane id is kept");
    const badJson = await postJson(`${gw.url}/v1/messages`, '{"model":', V);
    assertErrorBody(badJson, 'invalid_request_error');
    const unknownModel = await postJson(`${gw.url}/v1/messages`, { model: 'nope', max_tokens: 5, messages: ASK }, V);
    assert.equal(unknownModel.status, 404);
    assertErrorBody(unknownModel, 'not_found_error');
    const tooBig = await postJson(
      `${gw.url}/v1/messages`,
      { model: 'via-mock', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] },
      V,
    );
    assert.equal(tooBig.status, 413);
    assertErrorBody(tooBig, 'request_too_large');
  });

  describe('with auth and rate limits', () => {
    let limited: TestGateway;
    const KEY = 'sk-gw-conformance-key-0001';
    before(async () => {
      limited = await startTestGateway(
        gatewayYaml(up.url, `[ { use: auth }, { use: validation }, { use: rate-limit, config: { limits: [ { per: key, rpm: 2 } ] } }, { use: provider } ]`) +
          `keys:\n  - { name: conf, key: "${KEY}" }\n`,
      );
    });
    after(() => limited.stop());

    it('a missing key is a valid 401 authentication_error; a third request a valid 429', async () => {
      const body = { model: 'via-mock', max_tokens: 5, messages: ASK };
      const noKey = await postJson(`${limited.url}/v1/messages`, body, V);
      assert.equal(noKey.status, 401);
      assertErrorBody(noKey, 'authentication_error');
      const auth = { ...V, 'x-api-key': KEY };
      assert.equal((await postJson(`${limited.url}/v1/messages`, body, auth)).status, 200);
      assert.equal((await postJson(`${limited.url}/v1/messages/count_tokens`, { model: 'via-mock', messages: ASK }, auth)).status, 200);
      const third = await postJson(`${limited.url}/v1/messages`, body, auth);
      assert.equal(third.status, 429);
      assertErrorBody(third, 'rate_limit_error');
      assert.ok(third.headers.get('retry-after'));
    });
  });
});
