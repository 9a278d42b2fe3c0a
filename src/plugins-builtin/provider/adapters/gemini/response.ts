/**
 * Gemini GenerateContentResponse → canonical ChatCompletion, and the per-candidate and
 * usage helpers the stream translator shares.
 */
import type { ChatCompletion, FinishReason, ToolCall, Usage } from '../../../../engine/openai-types.ts';
import { gatewayError } from '../../../../engine/errors.ts';
import { expectObject } from '../../http/parse.ts';
import { makeUsage } from '../shared/chunks.ts';

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name: string; args?: unknown };
}
export interface GeminiCandidate {
  content?: { parts?: GeminiPart[] };
  finishReason?: string;
  index?: number;
}
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsage;
  promptFeedback?: { blockReason?: string };
  responseId?: string;
  modelVersion?: string;
}

const POLICY = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

export function geminiFinish(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (!reason) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (POLICY.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/**
 * promptTokenCount already includes cached tokens; completion counts the thoughts too
 * (OpenAI's completion_tokens include reasoning_tokens), with both broken out in details.
 */
export function geminiUsage(u: GeminiUsage | undefined): Usage {
  const thoughts = u?.thoughtsTokenCount;
  return makeUsage(u?.promptTokenCount ?? 0, (u?.candidatesTokenCount ?? 0) + (thoughts ?? 0), {
    ...(u?.cachedContentTokenCount !== undefined ? { cached: u.cachedContentTokenCount } : {}),
    ...(thoughts !== undefined ? { reasoning: thoughts } : {}),
  });
}

/** A prompt Gemini refused outright comes back 200 with no candidates and a blockReason. */
export function assertNotBlocked(r: GeminiResponse, status: number): void {
  const reason = r.promptFeedback?.blockReason;
  if (reason && !r.candidates?.length) {
    throw gatewayError('GW_ERR_PROVIDER_CONTENT_POLICY', { upstreamStatus: status, message: `The provider's content policy refused the prompt (${reason}).` });
  }
}

/** Text, reasoning and tool calls of one candidate; `nextId` numbers calls Gemini left without an id. */
export function candidateParts(c: GeminiCandidate, nextId: () => string): { text: string; reasoning: string; calls: ToolCall[] } {
  let text = '',
    reasoning = '';
  const calls: ToolCall[] = [];
  for (const p of c.content?.parts ?? []) {
    if (p.functionCall)
      calls.push({
        id: p.functionCall.id ?? nextId(),
        type: 'function',
        function: { name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) },
      });
    else if (typeof p.text === 'string') {
      if (p.thought) reasoning += p.text;
      else text += p.text;
    }
  }
  return { text, reasoning, calls };
}

export function fromGeminiResponse(json: unknown, status: number, model: string): ChatCompletion {
  const r = expectObject(json, 'a Gemini response', status) as GeminiResponse;
  assertNotBlocked(r, status);
  let n = 0;
  const choices = (r.candidates ?? []).map((c, i) => {
    const { text, reasoning, calls } = candidateParts(c, () => `call_${i}_${n++}`);
    const message: ChatCompletion['choices'][0]['message'] = { role: 'assistant', content: text || (calls.length ? null : '') };
    if (calls.length) message.tool_calls = calls;
    if (reasoning) message.reasoning_content = reasoning;
    return { index: c.index ?? i, message, finish_reason: geminiFinish(c.finishReason, calls.length > 0) ?? 'stop' };
  });
  return { id: r.responseId ?? '', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model, choices, usage: geminiUsage(r.usageMetadata) };
}
