/**
 * The token reservation made before the call: about 4 characters per token over the
 * message text, plus the completion budget the client asked for. Cheap and inline; the
 * reservation is settled to real usage when the request is done.
 */
import { contentText, isMessage, messagesOf } from '../../engine/message-text.ts';

interface Body {
  input?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  system?: unknown;
}

/** Embeddings input: a string or strings (token arrays are not text). */
function inputChars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (!Array.isArray(v)) return 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') n += (v[i] as string).length;
  return n;
}

export function estimateTokens(body: unknown): number {
  const b = (body ?? {}) as Body;
  let n = inputChars(b.input) + contentText(b.system).length;
  const msgs = messagesOf(b);
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (isMessage(m)) n += contentText(m.content).length;
  }
  const max = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : typeof b.max_tokens === 'number' ? b.max_tokens : 0;
  return Math.ceil(n / 4) + max;
}
