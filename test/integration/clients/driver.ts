/**
 * What every client library does in the client matrix, in one shape: each driver
 * (drivers/*.ts) performs the same user-level tasks — a chat turn, a streamed turn, a tool
 * call run to its answer, a structured answer, embeddings — the way that library's own
 * docs show them, and returns plain results, so the matrix can hold every library to the
 * same expectations (matrix.test.ts) whichever upstream answers.
 */
import { z } from 'zod';

/** What every chat cell asks. */
export const PROMPT = 'Weather in Paris?';

/** The one tool every library offers: its result is what the answer must use. */
export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather',
  schema: z.object({ location: z.string() }),
  /** The JSON Schema of `schema`, for libraries that take one. */
  jsonSchema: { type: 'object' as const, properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
};
export const toolResult = (location: string) => `15C and sunny in ${location}`;

/** The structured answer every library asks for. */
export const Weather = z.object({ city: z.string(), celsius: z.number() });
export type Weather = z.infer<typeof Weather>;

export const EMBED_INPUTS = ['hello', 'the quick brown fox'];

export interface Usage {
  input: number;
  output: number;
}
export interface ChatResult {
  text: string;
  usage: Usage;
}
export interface StreamResult extends ChatResult {
  /** How many text pieces arrived: more than one proves the answer streamed. */
  pieces: number;
}
export interface ToolCallSeen {
  name: string;
  args: unknown;
}
export interface ToolsResult {
  /** The call of the first turn, not streamed. */
  call: ToolCallSeen;
  /** The same first turn streamed, the call as the library assembled it. */
  streamedCall: ToolCallSeen;
  /** The answer to the turn that carries the tool's result (the library's own loop where it has one). */
  answer: string;
}
export interface EmbedResult {
  vectors: number[][];
  /** Input tokens, where the library reports them. */
  tokens?: number;
}

/**
 * How a library asks for structured output: natively (`response_format`, `text.format`,
 * `output_config.format`: the provider's own structured-output field must be what the
 * upstream sees), or through a forced tool.
 */
export type StructuredVia = { kind: 'response_format' } | { kind: 'tool' };

export interface Client {
  chat(model: string): Promise<ChatResult>;
  stream(model: string): Promise<StreamResult>;
  tools(model: string): Promise<ToolsResult>;
  structured(model: string): Promise<Weather>;
  /** The library's tool-based way to the same object, where it has one. */
  structuredByTool?(model: string): Promise<Weather>;
  embed?(model: string, inputs: string[]): Promise<EmbedResult>;
}

export interface Driver {
  /** Row label: library and mode. */
  label: string;
  /** The gateway endpoint its chat calls reach (the `route` label of gateway_requests_total). */
  endpoint: 'chat' | 'responses' | 'messages';
  /** How structured() asks by default, for a model of this name (some libraries decide by the name). */
  structuredVia(model: string): StructuredVia;
  /** Reads a stream's input tokens from its first event only (LangChain's ChatAnthropic: message_start). */
  streamInputFromStart?: true;
  /** Why this row has no embeddings cell, when it has none. */
  noEmbeddings?: string;
  /** A client against a gateway: `root` is its origin (http://127.0.0.1:port). */
  connect(root: string): Client;
}

/** The text of a LangChain message whose content is a string or content blocks. */
export const textOf = (m: { content: unknown }): string =>
  typeof m.content === 'string'
    ? m.content
    : (m.content as Array<{ type: string; text?: string }>).map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join('');
