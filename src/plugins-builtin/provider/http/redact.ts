/**
 * Scrubs anything that looks like a credential out of text a provider sent back, before
 * it can reach a client, a log line or an error message. Providers echo keys in odd
 * places (OpenAI's 401 names the key's prefix; a misconfigured proxy may echo headers).
 *
 * @example
 *   const scrub = secretScrubber(['sk-live-123…']);
 *   scrub('bad key sk-live-123…') // → 'bad key [redacted]'
 */

/** Known key shapes: OpenAI/Anthropic `sk-…`, Google `AIza…`, Hugging Face `hf_…`, bearer tokens, long opaque tokens. */
const KEYISH = /\b(?:sk-[A-Za-z0-9_*.-]{6,}|AIza[0-9A-Za-z_-]{10,}|hf_[A-Za-z0-9]{8,}|(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=*-]+|[A-Za-z0-9_-]{32,})/g;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that replaces the given secrets (and anything key-shaped) with `[redacted]`. */
export function secretScrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  const literal = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  // Also a 6-char prefix: providers often echo `sk-abc***`.
  const parts = literal.flatMap((s) => (s.length > 12 ? [escapeRe(s), escapeRe(s.slice(0, 8))] : [escapeRe(s)]));
  const known = parts.length ? new RegExp(parts.join('|'), 'g') : null;
  return function scrubSecrets(text: string): string {
    const t = known ? text.replace(known, '[redacted]') : text;
    return t.replace(KEYISH, '[redacted]');
  };
}
