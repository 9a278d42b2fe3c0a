/**
 * LangChain.js: `@langchain/openai`'s ChatOpenAI in Chat Completions mode and with
 * `useResponsesApi: true` (`configuration.baseURL: <gateway>/v1`), with OpenAIEmbeddings,
 * and `@langchain/anthropic`'s ChatAnthropic (`anthropicApiUrl: <gateway>`, the root). The
 * calls are LangChain's own, the same for all three: invoke, stream (chunks concatenated),
 * bindTools → tool call → the tool's ToolMessage → answer, withStructuredOutput (each
 * class's default method), embedDocuments.
 */
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, type AIMessage, type AIMessageChunk, type ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { PROMPT, WEATHER_TOOL, Weather, textOf, toolResult, type Client, type Driver, type StructuredVia } from '../driver.ts';

const getWeather = tool(async ({ location }: { location: string }) => toolResult(location), {
  name: WEATHER_TOOL.name,
  description: WEATHER_TOOL.description,
  schema: WEATHER_TOOL.schema,
});
const usageOf = (m: AIMessage | AIMessageChunk) => ({ input: m.usage_metadata?.input_tokens ?? 0, output: m.usage_metadata?.output_tokens ?? 0 });

async function concatStream(chunks: AsyncIterable<AIMessageChunk>): Promise<{ total: AIMessageChunk; pieces: number }> {
  let total: AIMessageChunk | undefined;
  let pieces = 0;
  for await (const c of chunks) {
    if (textOf(c)) pieces++;
    total = total ? total.concat(c) : c;
  }
  if (!total) throw new Error('an empty stream');
  return { total, pieces };
}

function langchain(
  label: string,
  endpoint: Driver['endpoint'],
  structuredVia: StructuredVia,
  streamInputFromStart: boolean,
  chatModel: (root: string, model: string) => BaseChatModel,
  embeddings?: (root: string, model: string) => OpenAIEmbeddings,
  noEmbeddings?: string,
): Driver {
  return {
    label,
    endpoint,
    structuredVia: () => structuredVia,
    ...(streamInputFromStart && { streamInputFromStart }),
    noEmbeddings,
    connect(root): Client {
      return {
        async chat(model) {
          const m = await chatModel(root, model).invoke(PROMPT);
          return { text: textOf(m), usage: usageOf(m) };
        },
        async stream(model) {
          const { total, pieces } = await concatStream(await chatModel(root, model).stream(PROMPT));
          return { text: textOf(total), pieces, usage: usageOf(total) };
        },
        async tools(model) {
          const llm = chatModel(root, model).bindTools!([getWeather]);
          const question = new HumanMessage(PROMPT);
          const ai = (await llm.invoke([question])) as AIMessage;
          const call = ai.tool_calls?.[0];
          if (!call) throw new Error(`no tool call: ${JSON.stringify(ai.content)}`);
          const { total } = await concatStream(await llm.stream([question]));
          const streamed = total.tool_calls?.[0];
          if (!streamed) throw new Error(`no streamed tool call: ${JSON.stringify(total.content)}`);
          const result = (await getWeather.invoke(call)) as ToolMessage;
          const answer = await llm.invoke([question, ai, result]);
          return { call: { name: call.name, args: call.args }, streamedCall: { name: streamed.name, args: streamed.args }, answer: textOf(answer) };
        },
        async structured(model) {
          return chatModel(root, model).withStructuredOutput(Weather).invoke(PROMPT);
        },
        async structuredByTool(model) {
          return chatModel(root, model).withStructuredOutput(Weather, { method: 'functionCalling' }).invoke(PROMPT);
        },
        ...(embeddings && {
          async embed(model: string, inputs: string[]) {
            return { vectors: await embeddings(root, model).embedDocuments(inputs) };
          },
        }),
      };
    },
  };
}

const key = { apiKey: 'unused', maxRetries: 0 };
const openaiChat = (useResponsesApi: boolean) => (root: string, model: string) =>
  new ChatOpenAI({ model, ...key, useResponsesApi, configuration: { baseURL: `${root}/v1` } });

export const langchainOpenai = langchain(
  '@langchain/openai · ChatOpenAI',
  'chat',
  { kind: 'response_format' },
  false,
  openaiChat(false),
  (root, model) => new OpenAIEmbeddings({ model, ...key, configuration: { baseURL: `${root}/v1` } }),
);

export const langchainOpenaiResponses = langchain(
  '@langchain/openai · ChatOpenAI({ useResponsesApi: true })',
  'responses',
  { kind: 'response_format' },
  false,
  openaiChat(true),
  undefined,
  'OpenAIEmbeddings is the same class in both modes: the ChatOpenAI row',
);

export const langchainAnthropic = langchain(
  '@langchain/anthropic · ChatAnthropic',
  'messages',
  { kind: 'tool' },
  true,
  (root, model) => new ChatAnthropic({ model, ...key, anthropicApiUrl: root, maxTokens: 256 }),
  undefined,
  'LangChain has no Anthropic embeddings (Anthropic has no embeddings API)',
);
