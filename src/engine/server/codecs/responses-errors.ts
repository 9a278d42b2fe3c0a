/**
 * Errors in the Responses API's dialect: OpenAI's error body, with a `param` that names
 * the Responses field when a later stage (validation plugin, capability check) named the
 * canonical Chat Completions one — `max_completion_tokens` is `max_output_tokens` to a
 * Responses client, `response_format` is `text.format`, a message is part of `input`.
 *
 * @example
 *   responsesParam('response_format') // 'text.format'
 */
import type { GatewayError } from '../../errors.ts';

const RENAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^messages(?:[[.].*)?$/, 'input'],
  [/^max_(?:completion_)?tokens$/, 'max_output_tokens'],
  [/^response_format(?:\..*)?$/, 'text.format'],
  [/^reasoning_effort$/, 'reasoning.effort'],
  [/^tools\[(\d+)\]\.function\.(\w+)$/, 'tools[$1].$2'],
];

export function responsesParam(param: string | null): string | null {
  if (param === null) return null;
  for (const [re, to] of RENAMES) if (re.test(param)) return param.replace(re, to);
  return param;
}

export function responsesErrorBody(err: GatewayError): { error: { message: string; type: string; param: string | null; code: string } } {
  const body = err.toOpenAI();
  body.error.param = responsesParam(body.error.param);
  return body;
}
