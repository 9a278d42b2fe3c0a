/**
 * The built-in `pii:` detectors. Every pattern is written to run in linear time on any
 * input: each starts with a lookbehind that fails at once inside a run of the same
 * characters (so a match is tried only where a token can begin), and repeated groups are
 * bounded, so no input makes them backtrack quadratically (measured in the README).
 */
import type { GlobalPattern } from '../../engine/safe-regex.ts';

/**
 * A compiled matcher: a global pattern (a built-in RegExp, or a config rule's linear-time
 * SafeRegex), and an optional check of what it matched.
 */
export interface Matcher<P extends GlobalPattern = GlobalPattern> {
  re: P;
  /** False rejects the candidate (a 16-digit number that fails Luhn is not a card). */
  valid?: (match: string) => boolean;
  /**
   * Every match contains one of these: a text without any is skipped without running the
   * regex (`includes` is ~100× cheaper per character than the email pattern).
   */
  hint?: readonly string[];
}

export const PII_TYPES = ['email', 'phone', 'credit_card', 'us_ssn', 'ipv4', 'secret'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** Luhn's checksum over the digits of `s` (separators ignored). */
export function luhn(s: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

const SOURCES: Record<PiiType, Array<{ source: string; valid?: (m: string) => boolean; hint?: string[] }>> = {
  // RFC 5321 length limits bound every part: 64 for the local part, 63 per domain label.
  email: [{ source: '(?<![\\w.%+-])[\\w.%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,8}[A-Za-z]{2,24}(?![\\w-])', hint: ['@'] }],
  // NANP with separators — (555) 123-4567, 555-123-4567, +1 555.123.4567 — and
  // international numbers written with a leading +. A bare 10-digit run is not taken for a
  // phone: ids, timestamps and amounts look the same.
  phone: [
    { source: '(?<![\\w+])(?:\\+1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?!\\w)' },
    { source: '(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\d){6,14}(?![\\w])' },
  ],
  // 13–19 digits, optionally grouped by spaces or dashes, that pass Luhn.
  credit_card: [{ source: '(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?!\\d)', valid: luhn }],
  // Area 000/666/9xx, group 00 and serial 0000 are never issued; the separator is required.
  us_ssn: [{ source: '(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}([- ])(?!00)\\d{2}\\1(?!0000)\\d{4}(?![\\d-])' }],
  ipv4: [{ source: `(?<![\\d.])(?:${OCTET}\\.){3}${OCTET}(?!\\d|\\.\\d)` }],
  secret: [
    // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), and other sk- keys; Stripe sk_/rk_live|test.
    { source: '(?<![\\w-])sk-[A-Za-z0-9_-]{20,}', hint: ['sk-'] },
    { source: '(?<![\\w-])(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}', hint: ['_live_', '_test_'] },
    // AWS access key ids.
    { source: '(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])' },
    // GitHub tokens (classic and fine-grained).
    { source: '(?<![\\w-])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})', hint: ['gh'] },
    // Slack, Google API keys, JSON Web Tokens.
    { source: '(?<![\\w-])xox[abposr]-[A-Za-z0-9-]{10,}', hint: ['xox'] },
    { source: '(?<![\\w-])AIza[0-9A-Za-z_-]{35}(?![\\w-])', hint: ['AIza'] },
    { source: '(?<![\\w-])eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}', hint: ['eyJ'] },
    // PEM private keys from the header: base64 body and footer when present, so a key cut
    // short (or still streaming) is covered too. The body cannot run into another `-----`.
    {
      source: '-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----(?:[A-Za-z0-9+/=\\s:,.]|-(?!----)){0,16384}(?:-----END [A-Z ]{0,20}PRIVATE KEY-----)?',
      hint: ['-----BEGIN '],
    },
  ],
};

/** Fresh matchers for the given types (each rule gets its own regex objects: they hold lastIndex). */
export function piiMatchers(types: readonly PiiType[]): Matcher<RegExp>[] {
  return types.flatMap((t) => SOURCES[t].map((s) => ({ re: new RegExp(s.source, 'g'), valid: s.valid, hint: s.hint })));
}
