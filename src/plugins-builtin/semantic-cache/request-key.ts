/**
 * A request's cache identity. The scope holds everything that must be equal for one
 * cached answer to serve another request: partition, embedder, model, every parameter
 * that changes the answer, and the conversation before the last message (plus, with
 * `exact_numbers`, the numbers in that last message). Within a scope, the exact key adds
 * the last message; the semantic lookup compares only its text. So a paraphrase matches
 * only under the same system prompt, history and parameters.
 *
 * @example
 *   const id = requestKey(body, 'k:static:ci', opts); // { scope, key, text }
 */
import { createHash } from 'node:crypto';
import type { ChatRequest } from '../../engine/openai-types.ts';
import { isMessage, textOnly } from '../../engine/message-text.ts';

/**
 * Fields that do not change the answer: transport (`stream`, `stream_options`) and
 * attribution/storage tags. Everything else — known or not — is part of the scope, so a
 * new upstream parameter can never make two different requests share an answer.
 */
const NEUTRAL = new Set(['messages', 'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

export interface KeyOptions {
  /** Embedder and dims: vectors of other settings never meet in one scope. */
  embedding: string;
  /** Digit runs of the last message go into the scope; null when off. */
  numbers: RegExp | null;
}

export interface RequestKey {
  scope: string;
  key: string;
  /** The last message's text when it is a text-only user message (semantic lookup), else undefined. */
  text?: string;
}

/**
 * JSON with object keys sorted and null/undefined members dropped (absent = null).
 * Recursive: request bodies reach plugins at most MAX_JSON_DEPTH deep (engine/json-depth.ts).
 */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + stableJson(v[i]);
    return s + ']';
  }
  const o = v as Record<string, unknown>;
  let s = '{';
  for (const k of Object.keys(o).sort()) {
    if (o[k] === null || o[k] === undefined) continue;
    s += (s.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + stableJson(o[k]);
  }
  return s + '}';
}

/** Text of a user message made only of text (string or text parts); undefined otherwise. */
function userText(m: unknown): string | undefined {
  return isMessage(m) && m.role === 'user' ? textOnly(m.content, '\n') : undefined;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('base64url');

export function requestKey(body: ChatRequest, partition: string, opts: KeyOptions): RequestKey {
  const msgs = body.messages;
  const last = msgs[msgs.length - 1];
  const text = userText(last);
  let params = '';
  for (const k of Object.keys(body).sort()) {
    const v = body[k];
    if (NEUTRAL.has(k) || v === null || v === undefined) continue;
    params += JSON.stringify(k) + ':' + stableJson(v) + ',';
  }
  let context = '';
  for (let i = 0; i < msgs.length - 1; i++) context += stableJson(msgs[i]) + ',';
  const numbers = opts.numbers && text !== undefined ? (text.match(opts.numbers) ?? []).join(' ') : '';
  const scope = sha(`${partition}\n${opts.embedding}\n${params}\n${context}\n${numbers}`);
  return { scope, key: sha(`${scope}\n${stableJson(last)}`), text };
}
