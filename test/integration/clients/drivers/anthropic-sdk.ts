/**
 * The official `@anthropic-ai/sdk` — `baseURL: <gateway>` (the root: the SDK adds
 * /v1/messages): messages.create, the messages.stream helper, tool_use answered with a
 * tool_result block, and messages.parse with `output_config.format` (zodOutputFormat).
 */
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { PROMPT, WEATHER_TOOL, Weather, toolResult, type Driver } from '../driver.ts';

const tools: Anthropic.Tool[] = [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.jsonSchema }];
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: PROMPT }];
const max_tokens = 256;

const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
const useOf = (m: Anthropic.Message) => {
  const u = m.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
  if (!u) throw new Error(`no tool_use block: ${JSON.stringify(m.content)}`);
  return u;
};
const usageOf = (m: Anthropic.Message) => ({ input: m.usage.input_tokens, output: m.usage.output_tokens });

export const anthropicSdk: Driver = {
  label: '@anthropic-ai/sdk',
  endpoint: 'messages',
  structuredVia: () => ({ kind: 'response_format' }),
  noEmbeddings: 'the SDK has no embeddings (Anthropic has no embeddings API)',
  connect(root) {
    const client = new Anthropic({ baseURL: root, apiKey: 'unused', maxRetries: 0 });
    return {
      async chat(model) {
        const m = await client.messages.create({ model, max_tokens, messages });
        return { text: textOf(m), usage: usageOf(m) };
      },
      async stream(model) {
        const s = client.messages.stream({ model, max_tokens, messages });
        let text = '';
        let pieces = 0;
        s.on('text', (t) => {
          [text, pieces] = [text + t, pieces + 1];
        });
        const final = await s.finalMessage();
        return { text, pieces, usage: usageOf(final) };
      },
      async tools(model) {
        const first = await client.messages.create({ model, max_tokens, messages, tools });
        const use = useOf(first);
        const streamed = useOf(await client.messages.stream({ model, max_tokens, messages, tools }).finalMessage());
        const input = use.input as { location: string };
        const second = await client.messages.create({
          model,
          max_tokens,
          tools,
          messages: [
            ...messages,
            { role: 'assistant', content: first.content },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: toolResult(input.location) }] },
          ],
        });
        return { call: { name: use.name, args: input }, streamedCall: { name: streamed.name, args: streamed.input }, answer: textOf(second) };
      },
      async structured(model) {
        const m = await client.messages.parse({ model, max_tokens, messages, output_config: { format: zodOutputFormat(Weather) } });
        return m.parsed_output!;
      },
    };
  },
};
