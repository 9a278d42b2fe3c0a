/**
 * The Responses stream encoder on chunk sequences no scripted upstream sends: text then
 * two tool calls whose argument deltas interleave, an empty answer, and a refusal after
 * text. Every event must be a valid ResponseStreamEvent, and the final response must list
 * the same items the JSON encoder makes of the same answer.
 */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { RequestContext } from '../../../src/engine/context.ts';
import { createMemoryStateStore } from '../../../src/engine/stores/memory-state.ts';
import type { ChatCompletionChunk, ChatMessage } from '../../../src/engine/openai-types.ts';
import { ResponsesStreamEncoder } from '../../../src/engine/server/codecs/responses-stream.ts';
import { outputItems } from '../../../src/engine/server/codecs/responses-output.ts';
import type { Turn } from '../../../src/engine/server/codecs/responses-turn.ts';
import { parseResponseEvents } from './spec.ts';

const BASE = '0123456789abcdef0123456789abcdef';

function turn(): Turn {
  return {
    base: BASE,
    id: `resp_${BASE}`,
    createdAt: 1700000000,
    model: 'm',
    echo: {
      instructions: null,
      max_output_tokens: null,
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: false,
      temperature: null,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      metadata: {},
    },
    features: new Set(),
    owner: null,
    history: [],
    inputs: [],
    state: createMemoryStateStore('test:'),
    ttlMs: 60_000,
  };
}

const ctx = () =>
  new RequestContext({
    id: 'r1',
    endpoint: 'responses',
    method: 'POST',
    path: '/v1/responses',
    headers: {},
    clientIp: '',
    generation: 1,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
  });

const chunk = (
  delta: ChatCompletionChunk['choices'][0]['delta'],
  finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null,
): { data: ChatCompletionChunk } => ({
  data: { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }] },
});

async function encode(chunks: Array<{ data: ChatCompletionChunk }>): Promise<Array<Record<string, any>>> {
  const t = turn();
  const enc = new ResponsesStreamEncoder(ctx(), t);
  let text = '';
  for (const c of chunks) text += enc.event(c);
  text += await enc.end();
  return parseResponseEvents(text);
}

/** The final response's items, without ids (the JSON encoder numbers them alike). */
const shapes = (items: Array<Record<string, unknown>>) => items.map(({ id: _id, ...rest }) => rest);

describe('Responses stream encoder', () => {
  it('text, then two tool calls whose deltas interleave', async () => {
    const events = await encode([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Let me check ' }),
      chunk({ content: 'both.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"tz":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"CET"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const final = events.at(-1)!;
    assert.equal(final.type, 'response.completed');
    assert.equal(final.response.model, 'up-model');
    const output = final.response.output as Array<Record<string, any>>;
    assert.deepEqual(
      output.map((o) => [o.type, o.call_id ?? o.content[0].text, o.arguments]),
      [
        ['message', 'Let me check both.', undefined],
        ['function_call', 'call_a', '{"city":"Paris"}'],
        ['function_call', 'call_b', '{"tz":"CET"}'],
      ],
    );
    // Deltas name the item they extend, by id and output index.
    const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta');
    assert.deepEqual(
      deltas.map((d) => [d.output_index, d.item_id === output[d.output_index].id]),
      [
        [1, true],
        [2, true],
        [1, true],
        [2, true],
      ],
    );
    // The message closed before the first call was announced.
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('response.output_item.done') < types.indexOf('response.function_call_arguments.delta'));
    const message: ChatMessage = {
      role: 'assistant',
      content: 'Let me check both.',
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"tz":"CET"}' } },
      ],
    };
    assert.deepEqual(shapes(output), shapes(outputItems(message, BASE, 'tool_calls') as unknown as Array<Record<string, unknown>>));
  });

  it('an empty answer is one empty message, as in JSON', async () => {
    const events = await encode([chunk({ role: 'assistant', content: '' }), chunk({}, 'stop')]);
    const output = events.at(-1)!.response.output;
    assert.deepEqual(shapes(output), shapes(outputItems({ role: 'assistant', content: '' }, BASE, 'stop') as unknown as Array<Record<string, unknown>>));
  });

  it('text then a refusal: two content parts of one message', async () => {
    const events = await encode([chunk({ content: 'Well, ' }), chunk({ refusal: 'no.' }), chunk({}, 'stop')]);
    assert.deepEqual(events.at(-1)!.response.output[0].content, [
      { type: 'output_text', text: 'Well, ', annotations: [], logprobs: [] },
      { type: 'refusal', refusal: 'no.' },
    ]);
    const refusal = events.find((e) => e.type === 'response.refusal.delta')!;
    assert.equal(refusal.content_index, 1);
  });
});
