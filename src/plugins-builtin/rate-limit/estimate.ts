/**
 * The token reservation made before the call: about 4 characters per token over the
 * message text, plus the completion budget the client asked for. Cheap and inline; the
 * reservation is settled to real usage when the request is done.
 */
interface Part {
  type?: string;
  text?: unknown;
}
interface Msg {
  content?: unknown;
}
interface Body {
  messages?: Msg[];
  input?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  system?: unknown;
}

function chars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (!Array.isArray(v)) return 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const p = v[i] as Part | string;
    if (typeof p === 'string') n += p.length;
    else if (p && typeof p.text === 'string') n += p.text.length;
  }
  return n;
}

export function estimateTokens(body: unknown): number {
  const b = (body ?? {}) as Body;
  let n = chars(b.input) + chars(b.system);
  const msgs = b.messages;
  if (Array.isArray(msgs)) for (let i = 0; i < msgs.length; i++) n += chars(msgs[i]?.content);
  const max = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : typeof b.max_tokens === 'number' ? b.max_tokens : 0;
  return Math.ceil(n / 4) + max;
}
