/**
 * The official `openai` SDK (v6) on the Responses API — `client.responses`, same
 * `baseURL: <gateway>/v1`: create, the `responses.stream` helper, a function call answered
 * with `function_call_output` and `previous_response_id`, and `responses.parse` with
 * zodTextFormat.
 */
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { PROMPT, WEATHER_TOOL, Weather, toolResult, type Driver } from '../driver.ts';

const tools: OpenAI.Responses.FunctionTool[] = [
  { type: 'function', name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, strict: true, parameters: WEATHER_TOOL.jsonSchema },
];
type Call = OpenAI.Responses.ResponseFunctionToolCall;
const callOf = (r: OpenAI.Responses.Response): Call => {
  const c = r.output.find((o): o is Call => o.type === 'function_call');
  if (!c) throw new Error(`no function_call item: ${JSON.stringify(r.output)}`);
  return c;
};
const usageOf = (r: OpenAI.Responses.Response) => ({ input: r.usage?.input_tokens ?? 0, output: r.usage?.output_tokens ?? 0 });

export const openaiResponses: Driver = {
  label: 'openai · responses',
  endpoint: 'responses',
  structuredVia: () => ({ kind: 'response_format' }),
  noEmbeddings: 'same SDK call as the openai · chat.completions row (the Responses API has no embeddings)',
  connect(root) {
    const client = new OpenAI({ baseURL: `${root}/v1`, apiKey: 'unused', maxRetries: 0 });
    return {
      async chat(model) {
        const r = await client.responses.create({ model, input: PROMPT });
        return { text: r.output_text, usage: usageOf(r) };
      },
      async stream(model) {
        const s = client.responses.stream({ model, input: PROMPT });
        let text = '';
        let pieces = 0;
        s.on('response.output_text.delta', (e) => {
          [text, pieces] = [text + e.delta, pieces + 1];
        });
        const final = await s.finalResponse();
        if (final.output_text !== text) throw new Error(`deltas ${JSON.stringify(text)} ≠ final ${JSON.stringify(final.output_text)}`);
        return { text, pieces, usage: usageOf(final) };
      },
      async tools(model) {
        const first = await client.responses.create({ model, input: PROMPT, tools });
        const c = callOf(first);
        const call = { name: c.name, args: JSON.parse(c.arguments) as { location: string } };
        const streamed = callOf(await client.responses.stream({ model, input: PROMPT, tools }).finalResponse());
        const second = await client.responses.create({
          model,
          tools,
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: c.call_id, output: toolResult(call.args.location) }],
        });
        return { call, streamedCall: { name: streamed.name, args: JSON.parse(streamed.arguments) }, answer: second.output_text };
      },
      async structured(model) {
        const r = await client.responses.parse({ model, input: PROMPT, text: { format: zodTextFormat(Weather, 'weather') } });
        return r.output_parsed!;
      },
    };
  },
};
