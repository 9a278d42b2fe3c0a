/**
 * The README's Responses API matrix, cell by cell: the table in the README must be the
 * support table (src/engine/responses/support.ts), and each cell is checked against a
 * scripted upstream of that provider type — ✅ works end to end (and reaches the provider
 * in its own format), ❌ is a 400 naming the field with no upstream call, ⏳ is accepted and
 * answered as the provider does today.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestGateway, postJson, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import {
  FEATURE_PARAM,
  RESPONSES_FEATURES,
  RESPONSES_MATRIX,
  RESPONSES_PROVIDERS,
  type ResponsesFeature,
  type Support,
} from '../../../src/engine/responses/support.ts';
import { allProvidersConfig, JSON_REPLY, MODEL_OF, REPLY, startScriptedUpstream, TOOL_ARGS } from './upstream.ts';
import { assertSpec, parseResponseEvents } from './spec.ts';

const SYMBOL: Record<string, Support> = { '✅': 'yes', '❌': 'no', '⏳': 'pending' };
const HEADER = ['streaming', 'tools', 'structured output', 'reasoning', 'previous_response_id'];

/** The matrix table of the README's "Responses API" section, as data. */
function readmeMatrix(): Record<string, Record<ResponsesFeature, Support>> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n### Responses API\n')[1]?.split('\n## ')[0]?.split('\n### ')[0];
  assert.ok(section, 'the README has a "### Responses API" section');
  const rows = section.split('\n').filter((l) => l.startsWith('| '));
  const head = rows[0]!
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
  assert.deepEqual(head, HEADER);
  const out: Record<string, Record<ResponsesFeature, Support>> = {};
  for (const row of rows.slice(1)) {
    const [provider, ...cells] = row
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    out[provider!] = Object.fromEntries(
      RESPONSES_FEATURES.map((f, i) => {
        const s = SYMBOL[cells[i]!];
        assert.ok(s, `README matrix: '${cells[i]}' for ${provider} × ${f} is not one of ✅ ❌ ⏳`);
        return [f, s];
      }),
    ) as Record<ResponsesFeature, Support>;
  }
  return out;
}

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather',
  parameters: { type: 'object', properties: { location: { type: 'string' } } },
};
const WEATHER_FORMAT = {
  type: 'json_schema',
  name: 'weather',
  strict: true,
  schema: { type: 'object', properties: { city: { type: 'string' }, celsius: { type: 'number' } }, required: ['city', 'celsius'], additionalProperties: false },
};

describe('Responses API: the provider × feature matrix', () => {
  let up: FakeUpstream;
  let gw: TestGateway;
  const post = (body: Record<string, unknown>) => postJson(`${gw.url}/v1/responses`, body);
  const lastUpstream = () => up.requests[up.requests.length - 1]!;

  before(async () => {
    up = await startScriptedUpstream();
    gw = await startTestGateway(allProvidersConfig(up.url, 'pipeline: [ { use: validation }, { use: provider } ]'));
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  it('the README table is the support table the gateway enforces', () => {
    assert.deepEqual(readmeMatrix(), RESPONSES_MATRIX);
    assert.deepEqual(Object.keys(RESPONSES_MATRIX), [...RESPONSES_PROVIDERS]);
  });

  /**
   * The mock has no upstream to inspect: its tool call must satisfy the tool's schema, come
   * back as a function_call item (and as argument deltas when streamed), and its answer to
   * the tool's output must use that output.
   */
  async function mockTools(model: string): Promise<void> {
    // `location` required, so the schema's minimal valid instance has it.
    const tool = { ...WEATHER_TOOL, parameters: { ...WEATHER_TOOL.parameters, required: ['location'] } };
    const first = await post({ model, input: 'Weather in Paris?', tools: [tool], tool_choice: 'required' });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assertSpec('Response', first.json);
    const call = first.json.output.find((o: { type: string }) => o.type === 'function_call');
    assert.ok(call, `a function_call item: ${JSON.stringify(first.json.output)}`);
    assert.equal(call.name, 'get_weather');
    assert.equal(typeof JSON.parse(call.arguments).location, 'string', call.arguments);
    const second = await post({
      model,
      tools: [tool],
      input: [{ role: 'user', content: 'Weather in Paris?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '15C and sunny' }],
    });
    assert.equal(second.status, 200, JSON.stringify(second.json));
    assert.match(second.json.output_text, /15C and sunny/);
    const r = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, input: 'Weather in Paris?', tools: [tool], tool_choice: 'required', stream: true }),
    });
    const events = parseResponseEvents(await r.text());
    const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta as string);
    assert.deepEqual(JSON.parse(args.join('')), JSON.parse(call.arguments), 'streamed arguments equal the plain answer');
  }

  /** The mock's structured output must parse and satisfy the requested schema exactly. */
  async function mockStructuredOutput(model: string): Promise<void> {
    const r = await post({ model, input: 'Weather in Paris as JSON', text: { format: WEATHER_FORMAT } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assertSpec('Response', r.json);
    const value = JSON.parse(r.json.output_text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value).sort(), ['celsius', 'city']);
    assert.equal(typeof value.city, 'string');
    assert.equal(typeof value.celsius, 'number');
  }

  /** One check per feature and support level; `model` is the provider's model in allProvidersConfig. */
  const CHECKS: Record<ResponsesFeature, Partial<Record<Support, (provider: string, model: string) => Promise<void>>>> = {
    streaming: {
      async yes(provider, model) {
        const r = await fetch(`${gw.url}/v1/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, input: 'Weather in Paris?', stream: true }),
        });
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
        const events = parseResponseEvents(await r.text());
        assert.deepEqual(
          events.map((e) => e.type).filter((t) => t !== 'response.output_text.delta'),
          [
            'response.created',
            'response.in_progress',
            'response.output_item.added',
            'response.content_part.added',
            'response.output_text.done',
            'response.content_part.done',
            'response.output_item.done',
            'response.completed',
          ],
        );
        const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta as string);
        assert.ok(text.length > 1, 'the text arrives in several deltas');
        assert.equal(text.join(''), provider === 'mock' ? 'Mock reply to: Weather in Paris?' : REPLY);
        assert.equal(events.at(-1)!.response.output_text, text.join(''));
        if (provider !== 'mock') {
          const rec = lastUpstream();
          assert.ok(rec.json.stream === true || rec.url.includes('streamGenerateContent'), 'the provider was asked for a stream');
        }
      },
    },
    tools: {
      async yes(provider, model) {
        if (provider === 'mock') return mockTools(model);
        const first = await post({ model, input: 'Weather in Paris?', tools: [WEATHER_TOOL] });
        assert.equal(first.status, 200, JSON.stringify(first.json));
        assertSpec('Response', first.json);
        const call = first.json.output.find((o: { type: string }) => o.type === 'function_call');
        assert.ok(call, `a function_call item: ${JSON.stringify(first.json.output)}`);
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(JSON.parse(call.arguments), JSON.parse(TOOL_ARGS));
        assert.ok(call.call_id);
        assert.ok(JSON.stringify(lastUpstream().json).includes('get_weather'), 'the tool reached the provider');
        // The round trip: the call and its output go back as input items.
        const second = await post({
          model,
          tools: [WEATHER_TOOL],
          input: [{ role: 'user', content: 'Weather in Paris?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '15C and sunny' }],
        });
        assert.equal(second.status, 200, JSON.stringify(second.json));
        assert.equal(second.json.output_text, REPLY);
        const sent = JSON.stringify(lastUpstream().json);
        assert.ok(sent.includes('15C and sunny'), `the tool result reached the provider: ${sent}`);
        if (provider !== 'gemini') assert.ok(sent.includes(call.call_id), 'under its call id'); // Gemini matches results by name
        // Streamed, the call arrives as function_call_arguments deltas.
        const r = await fetch(`${gw.url}/v1/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, input: 'Weather in Paris?', tools: [WEATHER_TOOL], stream: true }),
        });
        const events = parseResponseEvents(await r.text());
        const added = events.find((e) => e.type === 'response.output_item.added' && e.item.type === 'function_call');
        assert.ok(added, 'a function_call item is announced');
        const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta as string);
        assert.deepEqual(JSON.parse(args.join('')), JSON.parse(TOOL_ARGS));
        const done = events.find((e) => e.type === 'response.function_call_arguments.done');
        assert.equal(done?.name, 'get_weather');
        assert.equal(events.at(-1)!.response.output.find((o: { type: string }) => o.type === 'function_call').arguments, args.join(''));
      },
    },
    structured_output: {
      async yes(provider, model) {
        if (provider === 'mock') return mockStructuredOutput(model);
        const r = await post({ model, input: 'Weather in Paris as JSON', text: { format: WEATHER_FORMAT } });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assertSpec('Response', r.json);
        assert.deepEqual(JSON.parse(r.json.output_text), JSON.parse(JSON_REPLY));
        assert.deepEqual(r.json.text.format.schema, WEATHER_FORMAT.schema, 'the format is echoed');
        const b = lastUpstream().json;
        const schema =
          b.response_format?.json_schema?.schema ?? b.response_format?.json_schema ?? b.generationConfig?.responseJsonSchema ?? b.output_config?.format?.schema;
        assert.deepEqual(schema, WEATHER_FORMAT.schema, `${provider} got the schema in its own field`);
      },
    },
    reasoning: {
      async yes(provider, model) {
        const r = await post({ model, input: 'Think about Paris.', reasoning: { effort: 'low' } });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const b = lastUpstream().json;
        const asked = REASONING_ASKED[provider];
        assert.ok(asked, `no upstream expectation written for ${provider}`);
        assert.deepEqual(asked.read(b), asked.want, `${provider} got the effort in its own field`);
        assert.equal(b.reasoning_effort, provider === 'openai' || provider === 'azure-openai' ? 'low' : undefined);
        assert.deepEqual(r.json.reasoning, { effort: 'low', summary: null });
        assert.equal(r.json.output_text, REPLY, 'the model’s thinking is not part of the answer');
        // Anthropic reports no separate thinking count: its output_tokens include it.
        const reasoningTokens = provider === 'anthropic' ? 0 : 3;
        assert.equal(r.json.usage.output_tokens_details.reasoning_tokens, reasoningTokens, 'reasoning tokens as the provider reports them');
      },
    },
    previous_response_id: {
      async yes(provider, model) {
        const first = await post({ model, input: 'My name is Ada.', instructions: 'Answer in English.' });
        assert.equal(first.status, 200, JSON.stringify(first.json));
        const second = await post({ model, input: 'What is my name?', previous_response_id: first.json.id });
        assert.equal(second.status, 200, JSON.stringify(second.json));
        assert.equal(second.json.previous_response_id, first.json.id);
        if (provider === 'mock') {
          // The mock counts the words of every message: 4 + 7 (its first answer) + 4.
          assert.equal(second.json.usage.input_tokens, 15);
          return;
        }
        const sent = JSON.stringify(lastUpstream().json);
        const at = ['My name is Ada.', REPLY, 'What is my name?'].map((s) => sent.indexOf(s));
        assert.ok(
          at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!)),
          `the history went first, in order: ${sent}`,
        );
        assert.ok(!sent.includes('Answer in English.'), 'instructions are not carried over');
      },
    },
  };

  /** Where each provider must find `reasoning: { effort: 'low' }` in its own dialect. */
  const REASONING_ASKED: Record<string, { read: (b: any) => unknown; want: unknown }> = {
    openai: { read: (b) => b.reasoning_effort, want: 'low' },
    'azure-openai': { read: (b) => b.reasoning_effort, want: 'low' },
    // Extended thinking: the smallest budget, on top of the default 4,096 answer tokens.
    anthropic: { read: (b) => [b.thinking, b.max_tokens], want: [{ type: 'enabled', budget_tokens: 1024 }, 4096 + 1024] },
    gemini: { read: (b) => b.generationConfig?.thinkingConfig, want: { thinkingBudget: 1024 } },
  };

  /** A request using `feature` (the smallest one that does). */
  const USING: Record<ResponsesFeature, Record<string, unknown>> = {
    streaming: { stream: true },
    tools: { tools: [WEATHER_TOOL] },
    structured_output: { text: { format: WEATHER_FORMAT } },
    reasoning: { reasoning: { effort: 'low' } },
    previous_response_id: { previous_response_id: 'resp_00000000000000000000000000000000' },
  };

  async function refused(feature: ResponsesFeature, model: string): Promise<void> {
    const before = up.requests.length;
    const r = await post({ model, input: 'Hi', ...USING[feature] });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assertSpec('ErrorResponse', r.json);
    assert.equal(r.json.error.param, FEATURE_PARAM[feature]);
    assert.equal(r.json.error.code, 'unsupported_capability');
    assert.equal(up.requests.length, before, 'nothing reached the provider');
  }

  for (const provider of RESPONSES_PROVIDERS) {
    for (const feature of RESPONSES_FEATURES) {
      const cell = RESPONSES_MATRIX[provider][feature];
      it(`${provider} × ${feature}: ${cell}`, async () => {
        const model = MODEL_OF[provider]!;
        if (cell === 'no') return refused(feature, model);
        const check = CHECKS[feature][cell];
        assert.ok(check, `no check written for ${feature} = ${cell}`);
        await check(provider, model);
      });
    }
  }
});
