/**
 * Header names and values the config sends upstream: provider `headers` and `api_key`,
 * route `headers.set`. Checked after `${…}` substitution, so a secret with a stray newline
 * is caught at load rather than breaking every request to that provider (Node refuses such
 * a header at send time) or, worse, injecting a header. Never quotes a value.
 */
import type { RawIssue } from './issues.ts';
import type { PathSegment } from './paths.ts';
import { overLimit, type ConfigLimits } from './limits.ts';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What Node's http module accepts in a header value: tab, printable ASCII, and 0x80–0xFF.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * @example
 *   headerIssues({ providers: { p: { type: 'openai', api_key: 'sk\r\nx: y' } } }, limits)
 *   // [{ path: ['providers', 'p', 'api_key'], message: 'contains a line break (CR or LF), …' }]
 */
export function headerIssues(tree: unknown, limits: ConfigLimits): RawIssue[] {
  const issues: RawIssue[] = [];
  const root = asRecord(tree);
  for (const [name, provider] of Object.entries(asRecord(root?.providers) ?? {})) {
    const p = asRecord(provider);
    checkValue(p?.api_key, ['providers', name, 'api_key'], limits, issues);
    checkMap(p?.headers, ['providers', name, 'headers'], limits, issues);
  }
  const routes = Array.isArray(root?.routes) ? root.routes : [];
  routes.forEach(function checkRoute(route, i) {
    const set = asRecord(asRecord(asRecord(route)?.proxy)?.headers)?.set;
    checkMap(set, ['routes', i, 'proxy', 'headers', 'set'], limits, issues);
  });
  return issues;
}

function checkMap(map: unknown, at: PathSegment[], limits: ConfigLimits, issues: RawIssue[]): void {
  for (const [name, value] of Object.entries(asRecord(map) ?? {})) {
    if (!TOKEN.test(name)) issues.push({ path: [...at, name], message: "is not a valid header name (letters, digits and !#$%&'*+.^_`|~- only)" });
    checkValue(value, [...at, name], limits, issues);
  }
}

function checkValue(value: unknown, at: PathSegment[], limits: ConfigLimits, issues: RawIssue[]): void {
  if (typeof value !== 'string') return;
  if (value.length > limits.maxHeaderChars) {
    issues.push({
      path: at,
      at: 'value',
      message: `is ${value.length.toLocaleString('en-US')} characters long, too long for a header value; ${overLimit('maxHeaderChars', limits)}`,
    });
  } else if (/[\r\n]/.test(value)) {
    issues.push({ path: at, at: 'value', message: 'contains a line break (CR or LF), which a header value cannot hold (it would inject headers)' });
  } else if (INVALID_VALUE_CHAR.test(value)) {
    issues.push({ path: at, at: 'value', message: 'contains a character a header value cannot hold (a control character, or one beyond U+00FF)' });
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
