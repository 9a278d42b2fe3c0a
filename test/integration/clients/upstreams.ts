/**
 * The upstream columns of the client matrix, and what each must answer:
 * - `mock`: the repository's own gateway.yaml, started as `npm start` starts it (its offline
 *   `mock` provider, SQLite in a fresh data folder) — so every library's tool and
 *   structured-output examples are proven to run on the default config;
 * - `openai`, `anthropic`, `gemini`, `cohere`: one gateway whose providers of those types
 *   call one scripted upstream over a real socket, speaking each provider's own wire
 *   format (test/integration/responses/upstream.ts for chat, the embeddings routes of
 *   test/integration/providers/fake-providers.ts).
 * Gateway models carry the names users give them (gpt-4o-mini, claude-sonnet-4-5…):
 * some libraries choose how to ask by the model's name.
 */
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import type { FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';
import { JSON_REPLY, REPLY, USAGE, allProvidersConfig, startScriptedUpstream } from '../responses/upstream.ts';
import { EMBED_TOKENS, EMBEDDINGS_ROUTE, embeddings, fakeVector } from '../providers/fake-providers.ts';
import { mockEmbedding } from '../../../src/plugins-builtin/provider/adapters/mock/embed.ts';
import { PROMPT, type Weather } from './driver.ts';
import { startShippedGateway, type ShippedGateway } from './shipped-gateway.ts';

export const UPSTREAMS = ['mock', 'openai', 'anthropic', 'gemini', 'cohere'] as const;
export type UpstreamId = (typeof UPSTREAMS)[number];

export interface Column {
  id: UpstreamId;
  chatModel: string;
  /** Reports input tokens before the answer (as Anthropic and Gemini do), so a stream's first event can carry them. */
  reportsInputFirst: boolean;
  /** Undefined where the provider has no embeddings. */
  embedModel: string | undefined;
  /** The answer to PROMPT. */
  reply: string;
  /** The arguments of its get_weather call. */
  toolArgs: { location: string };
  /** Its answer once the tool's result is in the conversation. */
  toolAnswer(result: string): string;
  /** Its structured answer (for the mock: the minimal instance of the schema). */
  structured: Weather;
  /** Output tokens of the answer to PROMPT, as the upstream reports them. */
  outputTokens: number;
  /** Its embedding of a text. */
  vector(text: string): number[];
  /** Input tokens of EMBED_INPUTS as it reports them; undefined where the gateway estimates. */
  embedTokens: number | undefined;
}

const words = (s: string) => s.trim().split(/\s+/).length;
const mockReply = `Mock reply to: ${PROMPT}`;

const scripted = (id: UpstreamId, chatModel: string, embedModel: string | undefined, outputTokens: number, embedTokens?: number): Column => ({
  id,
  chatModel,
  reportsInputFirst: id === 'anthropic' || id === 'gemini',
  embedModel,
  reply: REPLY,
  toolArgs: { location: 'Paris' },
  toolAnswer: () => REPLY,
  structured: JSON.parse(JSON_REPLY) as Weather,
  outputTokens,
  vector: (t) => fakeVector(t),
  embedTokens,
});

export const COLUMNS: Readonly<Record<UpstreamId, Column>> = {
  mock: {
    id: 'mock',
    chatModel: 'mock-gpt',
    reportsInputFirst: true,
    embedModel: 'mock-embed',
    reply: mockReply,
    toolArgs: { location: 'mock' },
    toolAnswer: (result) => `Mock reply using tool results: get_weather returned ${result}`,
    structured: { city: 'mock', celsius: 0 },
    outputTokens: words(mockReply),
    vector: (t) => mockEmbedding(t, 8),
    embedTokens: 5,
  },
  openai: scripted('openai', 'gpt-4o-mini', 'text-embedding-3-small', USAGE.openai.completion_tokens, EMBED_TOKENS.openai),
  anthropic: scripted('anthropic', 'claude-sonnet-4-5', undefined, USAGE.anthropic.output_tokens),
  gemini: scripted('gemini', 'gemini-2.5-flash', 'gemini-embedding-001', USAGE.gemini.candidatesTokenCount),
  cohere: scripted('cohere', 'command-a-03-2025', 'embed-v4.0', USAGE.cohere.output_tokens, EMBED_TOKENS.cohere),
};

/** One model per scripted column (and its embeddings model), on the providers of allProvidersConfig. */
function scriptedConfig(up: string): string {
  const provider: Partial<Record<UpstreamId, string>> = { openai: 'oai', anthropic: 'ant', gemini: 'gem', cohere: 'co' };
  const lines = UPSTREAMS.filter((id) => provider[id]).flatMap((id) => {
    const c = COLUMNS[id];
    const chat = `  - { name: ${c.chatModel}, provider: ${provider[id]}, model: ${c.chatModel} }`;
    return c.embedModel ? [chat, `  - { name: ${c.embedModel}, provider: ${provider[id]}, model: ${c.embedModel}, capabilities: [embeddings] }`] : [chat];
  });
  return allProvidersConfig(up, `${lines.join('\n')}\npipeline: [ { use: metrics }, { use: validation }, { use: provider } ]\n`);
}

/** The scripted upstream (chat and embeddings routes) and the gateway of the scripted columns. */
export async function startScripted(): Promise<{ up: FakeUpstream; gateway: TestGateway }> {
  const up = await startScriptedUpstream();
  const chat = up.handler;
  up.handler = (req, res, rec) => (EMBEDDINGS_ROUTE.test(rec.url) ? embeddings(rec, res) : chat(req, res, rec));
  return { up, gateway: await startTestGateway(scriptedConfig(up.url)) };
}

/** The two gateways behind the columns, started once for the whole matrix. */
export class Gateways {
  private constructor(
    readonly shipped: ShippedGateway,
    readonly up: FakeUpstream,
    readonly scripted: TestGateway,
  ) {}

  static async start(): Promise<Gateways> {
    const [shipped, { up, gateway }] = await Promise.all([startShippedGateway(), startScripted()]);
    return new Gateways(shipped, up, gateway);
  }

  /** The gateway serving a column. */
  root(id: UpstreamId): string {
    return id === 'mock' ? this.shipped.url : this.scripted.url;
  }

  /** Requests a gateway answered on an endpoint for a model, from its metrics. */
  async answered(root: string, endpoint: string, model: string): Promise<number> {
    const text = await (await fetch(`${root}/metrics`)).text();
    let n = 0;
    for (const [, labels, count] of text.matchAll(/^gateway_requests_total\{([^}]*)\} (\d+)$/gm))
      if (labels!.includes(`route="${endpoint}"`) && labels!.includes(`model="${model}"`)) n += Number(count);
    return n;
  }

  /** Whether a request to the scripted upstream since `since` (an index in its log) carried `text`. */
  upstreamSaw(text: string, since: number): boolean {
    return this.up.requests.slice(since).some((r) => r.body.toString().includes(text));
  }

  /**
   * Whether a request since `since` asked for structured output in its provider's own field
   * (OpenAI's and Cohere's response_format, Gemini's responseJsonSchema, Anthropic's
   * output_config.format) with no tool offered: JSON mode, not a forced tool.
   */
  upstreamAskedNativeJson(since: number): boolean {
    return this.up.requests.slice(since).some(({ json: b }) => {
      const native = b?.response_format?.json_schema ?? b?.generationConfig?.responseJsonSchema ?? b?.output_config?.format?.schema;
      return native !== undefined && !b.tools?.length;
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.shipped.stop(), this.scripted.stop()]);
    await this.up.close();
  }
}
