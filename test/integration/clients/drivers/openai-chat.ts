/**
 * The official `openai` SDK (v6) on Chat Completions — `baseURL: <gateway>/v1` — and its
 * embeddings: create, a stream with `stream_options.include_usage`, tools run by hand
 * (tool_calls → a `tool` message), `chat.completions.parse` with zodResponseFormat, and
 * `embeddings.create` (base64 on the wire, the SDK's default).
 */
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { PROMPT, WEATHER_TOOL, Weather, toolResult, type Driver, type ToolCallSeen } from '../driver.ts';

const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.jsonSchema } },
];
const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: PROMPT };

const usageOf = (u: OpenAI.CompletionUsage | null | undefined) => ({ input: u?.prompt_tokens ?? 0, output: u?.completion_tokens ?? 0 });

export const openaiChat: Driver = {
  label: 'openai · chat.completions',
  endpoint: 'chat',
  structuredVia: () => ({ kind: 'response_format' }),
  connect(root) {
    const client = new OpenAI({ baseURL: `${root}/v1`, apiKey: 'unused', maxRetries: 0 });
    return {
      async chat(model) {
        const r = await client.chat.completions.create({ model, messages: [question] });
        return { text: r.choices[0]!.message.content ?? '', usage: usageOf(r.usage) };
      },
      async stream(model) {
        const s = await client.chat.completions.create({ model, messages: [question], stream: true, stream_options: { include_usage: true } });
        let text = '';
        let pieces = 0;
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const c of s) {
          const d = c.choices[0]?.delta?.content;
          if (d) [text, pieces] = [text + d, pieces + 1];
          if (c.usage) usage = c.usage;
        }
        return { text, pieces, usage: usageOf(usage) };
      },
      async tools(model) {
        const first = await client.chat.completions.create({ model, messages: [question], tools });
        const tc = first.choices[0]!.message.tool_calls?.[0];
        if (tc?.type !== 'function') throw new Error(`no function call: ${JSON.stringify(first.choices[0])}`);
        const call = { name: tc.function.name, args: JSON.parse(tc.function.arguments) as { location: string } };
        const streamed = await client.chat.completions.create({ model, messages: [question], tools, stream: true });
        const streamedCall: ToolCallSeen = { name: '', args: '' };
        let args = '';
        for await (const c of streamed)
          for (const d of c.choices[0]?.delta?.tool_calls ?? []) {
            streamedCall.name ||= d.function?.name ?? '';
            args += d.function?.arguments ?? '';
          }
        streamedCall.args = JSON.parse(args);
        const second = await client.chat.completions.create({
          model,
          tools,
          messages: [question, first.choices[0]!.message, { role: 'tool', tool_call_id: tc.id, content: toolResult(call.args.location) }],
        });
        return { call, streamedCall, answer: second.choices[0]!.message.content ?? '' };
      },
      async structured(model) {
        const r = await client.chat.completions.parse({ model, messages: [question], response_format: zodResponseFormat(Weather, 'weather') });
        return r.choices[0]!.message.parsed!;
      },
      async embed(model, inputs) {
        const r = await client.embeddings.create({ model, input: inputs });
        return { vectors: r.data.map((d) => d.embedding), tokens: r.usage.prompt_tokens };
      },
    };
  },
};
