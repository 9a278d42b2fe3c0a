/**
 * Responses API input items → canonical chat messages, plus the items as
 * `GET /v1/responses/{id}/input_items` lists them. Messages keep their role (developer
 * becomes system, which every provider has), `function_call` items join the assistant
 * turn before them as tool_calls, `function_call_output` items become tool messages,
 * `item_reference`s are resolved from stored responses, and `reasoning` items are
 * dropped: no Chat Completions upstream can take a previous turn's reasoning back.
 *
 * @example
 *   await decodeInputItems([{ role: 'user', content: 'Hi' }], base, resolve)
 *   // { messages: [{ role: 'user', content: 'Hi' }], resources: [{ id: 'msg_…_i0', type: 'message', … }] }
 */
import type { ChatMessage, ContentPart } from '../../openai-types.ts';
import type { InputItemResource } from '../../responses/types.ts';
import { itemId } from '../../responses/ids.ts';
import { bad, isObj, unsupported, type Obj } from './responses-check.ts';

/** The stored item an `item_reference` names, or undefined when this key cannot see it. */
export type ItemResolver = (id: string) => Promise<Obj | undefined>;

export interface DecodedInput {
  messages: ChatMessage[];
  resources: InputItemResource[];
  /** An item_reference that found nothing: the request is answered 404 once auth has run. */
  missing?: { param: string; id: string };
}

const ROLES = new Set(['user', 'system', 'developer', 'assistant']);

export async function decodeInputItems(items: readonly unknown[], base: string, resolve: ItemResolver): Promise<DecodedInput> {
  const conv = new Conversation();
  const out: DecodedInput = { messages: conv.messages, resources: [] };
  for (let i = 0; i < items.length; i++) {
    const p = `input[${i}]`;
    let item = items[i];
    if (!isObj(item)) throw bad(p, 'Must be an input item object.');
    let given = typeof item.id === 'string' ? item.id : undefined;
    if (item.type === 'item_reference' || (item.type == null && item.role === undefined && given !== undefined)) {
      const found = given === undefined ? undefined : await resolve(given);
      if (!found) {
        out.missing ??= { param: `${p}.id`, id: given ?? '' };
        continue;
      }
      item = found;
    }
    const r = decodeItem(item as Obj, p, conv);
    if (!r) continue;
    given = typeof (item as Obj).id === 'string' ? ((item as Obj).id as string) : undefined;
    out.resources.push({ ...r.resource, id: given ?? itemId(r.prefix, base, out.resources.length, true) });
  }
  return out;
}

/** Builds canonical messages; tool calls attach to the assistant turn they follow. */
class Conversation {
  readonly messages: ChatMessage[] = [];
  private assistant: ChatMessage | undefined;

  say(m: ChatMessage): void {
    this.messages.push(m);
    this.assistant = m.role === 'assistant' ? m : undefined;
  }

  call(id: string, name: string, args: string): void {
    if (!this.assistant) this.say({ role: 'assistant', content: null });
    (this.assistant!.tool_calls ??= []).push({ id, type: 'function', function: { name, arguments: args } });
  }
}

interface Decoded {
  prefix: 'msg' | 'fc' | 'fco';
  resource: Record<string, unknown> & { type: string };
}

function decodeItem(item: Obj, p: string, conv: Conversation): Decoded | undefined {
  const type = item.type ?? 'message';
  if (type === 'message') return decodeMessage(item, p, conv);
  if (type === 'reasoning') return undefined;
  if (type === 'function_call') {
    const callId = str(item.call_id, `${p}.call_id`);
    const name = str(item.name, `${p}.name`);
    const args = str(item.arguments, `${p}.arguments`);
    conv.call(callId, name, args);
    return { prefix: 'fc', resource: { type: 'function_call', call_id: callId, name, arguments: args, status: 'completed' } };
  }
  if (type === 'function_call_output') {
    const callId = str(item.call_id, `${p}.call_id`);
    const output = toolOutput(item.output, `${p}.output`);
    conv.say({ role: 'tool', tool_call_id: callId, content: output });
    return { prefix: 'fco', resource: { type: 'function_call_output', call_id: callId, output, status: 'completed' } };
  }
  throw unsupported(`${p}.type`, `Input items of type '${String(type)}' are not supported by this gateway.`);
}

function decodeMessage(item: Obj, p: string, conv: Conversation): Decoded {
  const role = item.role;
  if (typeof role !== 'string' || !ROLES.has(role)) throw bad(`${p}.role`, "Must be 'user', 'assistant', 'system' or 'developer'.");
  const c = item.content;
  if (typeof c !== 'string' && !Array.isArray(c)) throw bad(`${p}.content`, 'Must be a string or an array of content parts.');
  if (role === 'assistant') {
    const text = typeof c === 'string' ? c : c.map((part, j) => assistantText(part, `${p}.content[${j}]`)).join('');
    conv.say({ role: 'assistant', content: text });
    return { prefix: 'msg', resource: { type: 'message', role, status: 'completed', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] } };
  }
  const parts = typeof c === 'string' ? undefined : c.map((part, j) => inputPart(part, `${p}.content[${j}]`));
  conv.say({ role: role === 'user' ? 'user' : 'system', content: parts ?? (c as string) });
  const listed = typeof c === 'string' ? [{ type: 'input_text', text: c }] : c;
  return { prefix: 'msg', resource: { type: 'message', role, status: 'completed', content: listed } };
}

function inputPart(part: unknown, p: string): ContentPart {
  if (!isObj(part)) throw bad(p, 'Must be a content part.');
  if (part.type === 'input_text') return { type: 'text', text: str(part.text, `${p}.text`) };
  if (part.type === 'input_image') {
    if (part.file_id != null) throw unsupported(`${p}.file_id`, 'Images by file id need the Files API, which this gateway does not serve; send image_url.');
    const url = str(part.image_url, `${p}.image_url`);
    const detail = part.detail;
    if (detail === 'low' || detail === 'high' || detail === 'auto') return { type: 'image_url', image_url: { url, detail } };
    return { type: 'image_url', image_url: { url } };
  }
  if (part.type === 'input_file') throw unsupported(p, 'File inputs are not supported by this gateway.');
  throw unsupported(`${p}.type`, `Content parts of type '${String(part.type)}' are not supported here.`);
}

function assistantText(part: unknown, p: string): string {
  if (!isObj(part)) throw bad(p, 'Must be a content part.');
  if (part.type === 'output_text' || part.type === 'input_text') return str(part.text, `${p}.text`);
  if (part.type === 'refusal') return str(part.refusal, `${p}.refusal`);
  throw unsupported(`${p}.type`, `Content parts of type '${String(part.type)}' are not supported in assistant messages.`);
}

function toolOutput(v: unknown, p: string): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) throw bad(p, 'Must be a string or an array of content parts.');
  return v
    .map((part, j) => {
      if (isObj(part) && part.type === 'input_text') return str(part.text, `${p}[${j}].text`);
      throw unsupported(`${p}[${j}]`, 'Only text parts are supported in function call outputs.');
    })
    .join('');
}

function str(v: unknown, p: string): string {
  if (typeof v !== 'string') throw bad(p, 'Field required (a string).');
  return v;
}
