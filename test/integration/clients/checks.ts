/**
 * The expectations of each feature of the client matrix, the same for every library:
 * what the library hands its user must be what the upstream answered — text, tool call,
 * structured object, vectors, token counts.
 */
import assert from 'node:assert/strict';
import { EMBED_INPUTS, WEATHER_TOOL, toolResult, type ChatResult, type Client, type Driver, type StreamResult, type StructuredVia } from './driver.ts';
import type { Cell, Feature } from './cells.ts';
import type { Column, Gateways } from './upstreams.ts';

/** One library against one upstream: its client and its chat and stream answers, each asked once. */
export interface Pair {
  client: Client;
  /** The endpoint the library's chat calls reach. */
  endpoint: Driver['endpoint'];
  /** How the library asks for structured output for this column's model. */
  via: StructuredVia;
  column: Column;
  gateways: Gateways;
  chat(): Promise<ChatResult>;
  stream(): Promise<StreamResult>;
}

const f32 = (v: number[]) => Array.from(new Float32Array(v));

const CHECKS: Record<Feature, (p: Pair, cell: Cell) => Promise<void>> = {
  async chat(p) {
    const root = p.gateways.root(p.column.id);
    const before = await p.gateways.answered(root, p.endpoint, p.column.chatModel);
    assert.equal((await p.chat()).text, p.column.reply);
    assert.equal(await p.gateways.answered(root, p.endpoint, p.column.chatModel), before + 1, `the call reached /${p.endpoint}`);
  },

  async stream(p) {
    const s = await p.stream();
    assert.equal(s.text, p.column.reply);
    assert.ok(s.pieces > 1, `the answer streamed in pieces (${s.pieces})`);
  },

  async tools(p) {
    const since = p.gateways.up.requests.length;
    const r = await p.client.tools(p.column.chatModel);
    assert.deepEqual(r.call, { name: WEATHER_TOOL.name, args: p.column.toolArgs });
    assert.deepEqual(r.streamedCall, r.call, 'the streamed call equals the plain one');
    const result = toolResult(p.column.toolArgs.location);
    assert.equal(r.answer, p.column.toolAnswer(result));
    // The mock's answer quotes the result; a scripted upstream must have been sent it.
    if (p.column.id !== 'mock') assert.ok(p.gateways.upstreamSaw(result, since), 'the tool result reached the provider');
  },

  async structured(p) {
    const model = p.column.chatModel;
    const since = p.gateways.up.requests.length;
    assert.deepEqual(await p.client.structured(model), p.column.structured);
    // Asked natively, a scripted provider must get its own structured-output field, not a tool.
    if (p.column.id !== 'mock' && p.via.kind === 'response_format')
      assert.ok(p.gateways.upstreamAskedNativeJson(since), 'the provider was asked for structured output in its own field');
    // The library's tool-based way to the same object, where it has one, works too.
    if (p.client.structuredByTool) assert.deepEqual(await p.client.structuredByTool(model), p.column.structured, 'through a forced tool');
  },

  async embeddings(p) {
    const r = await p.client.embed!(p.column.embedModel!, EMBED_INPUTS);
    assert.deepEqual(
      r.vectors.map(f32),
      EMBED_INPUTS.map((t) => f32(p.column.vector(t))),
    );
    if (r.tokens === undefined) return; // LangChain does not hand usage on
    assert.ok(r.tokens > 0, 'input tokens reported');
    if (p.column.embedTokens !== undefined) assert.equal(r.tokens, p.column.embedTokens, 'input tokens as the upstream reported them');
  },

  async usage(p, cell) {
    const [plain, streamed] = [(await p.chat()).usage, (await p.stream()).usage];
    assert.equal(plain.output, p.column.outputTokens, 'output tokens as the upstream reported them');
    assert.equal(streamed.output, plain.output, 'streamed output tokens equal the plain answer’s');
    assert.ok(plain.input > 0 && streamed.input > 0, `input tokens reported: ${plain.input}, streamed ${streamed.input}`);
    if (cell.kind !== 'deviation') assert.equal(streamed.input, plain.input, 'streamed input tokens equal the plain answer’s');
  },
};

export const check = (feature: Feature, pair: Pair, cell: Cell): Promise<void> => CHECKS[feature](pair, cell);
