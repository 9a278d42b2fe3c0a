/**
 * What a plugin test does with a running gateway: post a chat (JSON or streamed) the way
 * a client would, and read a metric out of the Prometheus text the gateway serves. Kept
 * apart from the harness so a test of a gateway started another way can use them too.
 */
import type { ChatCompletion, ChatCompletionChunk } from '../engine/openai-types.ts';

/** An OpenAI error body as the gateway sends it. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export interface ChatResult {
  status: number;
  headers: Headers;
  /** The parsed body: a completion, or `{ error }`. */
  body: Partial<ChatCompletion> & Partial<ErrorBody>;
  /** The body as text. */
  text: string;
}

export interface StreamResult {
  status: number;
  headers: Headers;
  /** Every `data:` event but `[DONE]`, parsed. */
  events: ChatCompletionChunk[];
  /** The answer's text: every chunk's `delta.content`, joined. */
  content: string;
  /** Whether the stream ended with `data: [DONE]`. */
  done: boolean;
  /** The body as text (for an error answer, its JSON). */
  text: string;
}

export interface RequestInit {
  headers?: Record<string, string>;
}

/**
 * POST a JSON body and read the answer whole.
 *
 * @example
 *   const r = await postChat(`${url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
 *   r.body.choices?.[0]?.message.content
 */
export async function postChat(url: string, body: unknown, init: RequestInit = {}): Promise<ChatResult> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: ChatResult['body'] = {};
  try {
    parsed = JSON.parse(text) as ChatResult['body'];
  } catch {
    // Not JSON (a proxy route's answer): `text` has it.
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/**
 * POST a streamed chat and read every SSE event.
 *
 * @example
 *   const s = await postStream(`${url}/v1/chat/completions`, { model: 'm', stream: true, messages });
 *   s.content; s.done
 */
export async function postStream(url: string, body: unknown, init: RequestInit = {}): Promise<StreamResult> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body) });
  const text = await res.text();
  const events: ChatCompletionChunk[] = [];
  let done = false;
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data === '') continue;
    if (data === '[DONE]') done = true;
    else events.push(JSON.parse(data) as ChatCompletionChunk);
  }
  const content = events.map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
  return { status: res.status, headers: res.headers, events, content, done, text };
}

const SERIES = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The sum of the series of metric `name` (e.g. `gateway_plugin_errors_total`, or a
 * histogram's `my_seconds_count`) whose labels include `labels`, in Prometheus text; 0
 * when none has been recorded.
 *
 * @example
 *   metricValue(text, 'gateway_plugin_errors_total', { plugin: 'stamp', phase: 'onRequest' }) // 1
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = SERIES.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(LABEL))
      have.set(
        l[1]!,
        l[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c)),
      );
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}
