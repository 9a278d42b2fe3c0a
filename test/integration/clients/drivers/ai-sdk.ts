/**
 * The Vercel AI SDK (`ai` 6) through each of its providers that can reach the gateway:
 * `@ai-sdk/openai` (default `openai(model)` = the Responses API, `openai.chat(model)` = Chat
 * Completions), `@ai-sdk/anthropic` and `@ai-sdk/openai-compatible`. The calls are the
 * SDK's own, the same for all four: generateText, streamText, a tool run by the SDK's
 * multi-step loop (generateText and streamText), generateText with `Output.object`, and
 * embedMany.
 */
import { embedMany, generateText, Output, stepCountIs, streamText, tool, type EmbeddingModel, type LanguageModel } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { PROMPT, WEATHER_TOOL, Weather, toolResult, type Driver, type StructuredVia } from '../driver.ts';

const tools = {
  [WEATHER_TOOL.name]: tool({
    description: WEATHER_TOOL.description,
    inputSchema: WEATHER_TOOL.schema,
    execute: async ({ location }) => toolResult(location),
  }),
};
const usageOf = (u: { inputTokens: number | undefined; outputTokens: number | undefined }) => ({ input: u.inputTokens ?? 0, output: u.outputTokens ?? 0 });

interface Models {
  language(id: string): LanguageModel;
  embedding?(id: string): EmbeddingModel;
  /** Provider options that make Output.object go through a forced tool, where the provider has them. */
  byTool?: Parameters<typeof generateText>[0]['providerOptions'];
}

function aiSdk(
  label: string,
  endpoint: Driver['endpoint'],
  structuredVia: Driver['structuredVia'],
  models: (root: string) => Models,
  noEmbeddings?: string,
): Driver {
  return {
    label,
    endpoint,
    structuredVia,
    noEmbeddings,
    connect(root) {
      const m = models(root);
      const { embedding, byTool } = m;
      return {
        async chat(model) {
          const r = await generateText({ model: m.language(model), prompt: PROMPT, maxRetries: 0 });
          return { text: r.text, usage: usageOf(r.usage) };
        },
        async stream(model) {
          const s = streamText({ model: m.language(model), prompt: PROMPT, maxRetries: 0 });
          let text = '';
          let pieces = 0;
          for await (const t of s.textStream) [text, pieces] = [text + t, pieces + 1];
          return { text, pieces, usage: usageOf(await s.usage) };
        },
        async tools(model) {
          const opts = { model: m.language(model), prompt: PROMPT, tools, stopWhen: stepCountIs(3), maxRetries: 0 };
          const r = await generateText(opts);
          const s = streamText(opts);
          const streamedText = await s.text;
          if (streamedText !== r.text) throw new Error(`the streamed loop answered ${JSON.stringify(streamedText)}, the plain one ${JSON.stringify(r.text)}`);
          const [call, streamed] = [r.steps[0]!.toolCalls[0], (await s.steps)[0]!.toolCalls[0]];
          if (!call || !streamed) throw new Error(`no tool call in the first step: ${JSON.stringify(r.steps[0]!.content)}`);
          return { call: { name: call.toolName, args: call.input }, streamedCall: { name: streamed.toolName, args: streamed.input }, answer: r.text };
        },
        async structured(model) {
          const r = await generateText({ model: m.language(model), prompt: PROMPT, output: Output.object({ schema: Weather }), maxRetries: 0 });
          return r.output;
        },
        ...(byTool && {
          async structuredByTool(model: string) {
            const r = await generateText({
              model: m.language(model),
              prompt: PROMPT,
              output: Output.object({ schema: Weather }),
              providerOptions: byTool,
              maxRetries: 0,
            });
            return r.output;
          },
        }),
        ...(embedding && {
          async embed(model: string, inputs: string[]) {
            const r = await embedMany({ model: embedding(model), values: inputs, maxRetries: 0 });
            return { vectors: r.embeddings, tokens: r.usage.tokens };
          },
        }),
      };
    },
  };
}

const key = { apiKey: 'unused' };

export const aiSdkOpenaiResponses = aiSdk(
  'ai + @ai-sdk/openai · openai(model)',
  'responses',
  () => ({ kind: 'response_format' }),
  (root) => {
    const openai = createOpenAI({ baseURL: `${root}/v1`, ...key });
    return { language: (id) => openai(id), embedding: (id) => openai.embedding(id) };
  },
);

export const aiSdkOpenaiChat = aiSdk(
  'ai + @ai-sdk/openai · openai.chat(model)',
  'chat',
  () => ({ kind: 'response_format' }),
  (root) => {
    const openai = createOpenAI({ baseURL: `${root}/v1`, ...key });
    return { language: (id) => openai.chat(id) };
  },
  'same provider call as the openai(model) row (openai.embedding)',
);

export const aiSdkAnthropic = aiSdk(
  'ai + @ai-sdk/anthropic',
  'messages',
  // Claude model ids get Anthropic's native output_config.format; other ids a forced `json` tool.
  (model): StructuredVia => (model.includes('claude-') ? { kind: 'response_format' } : { kind: 'tool' }),
  (root) => {
    const anthropic = createAnthropic({ baseURL: `${root}/v1`, ...key });
    return { language: (id) => anthropic(id), byTool: { anthropic: { structuredOutputMode: 'jsonTool' } } };
  },
  'the provider has no embedding models (Anthropic has no embeddings API)',
);

export const aiSdkOpenaiCompatible = aiSdk(
  'ai + @ai-sdk/openai-compatible',
  'chat',
  () => ({ kind: 'response_format' }),
  (root) => {
    // includeUsage: streams report usage; supportsStructuredOutputs: Output.object sends the
    // schema (json_schema) rather than bare JSON mode.
    const gateway = createOpenAICompatible({ name: 'gateway', baseURL: `${root}/v1`, ...key, includeUsage: true, supportsStructuredOutputs: true });
    return { language: (id) => gateway(id), embedding: (id) => gateway.embeddingModel(id) };
  },
);
