/**
 * Compiles the `rules:` of the config once per generation: every regex built for
 * linear-time matching (a bad or unsupported one is an error naming the rule), keywords
 * folded into one whole-word regex per rule, and per endpoint the rules that can apply,
 * split by side and action, so a request only looks up an array.
 */
import { compileSafeRegex, UnsafePatternError, type SafeRegex } from '../../engine/safe-regex.ts';
import { piiMatchers, type Matcher, type PiiType } from './detectors.ts';

export type Action = 'block' | 'redact' | 'log';
export type Direction = 'request' | 'response';
export type FilteredEndpoint = 'chat' | 'messages' | 'responses' | 'embeddings';

export interface RuleConfig {
  name: string;
  action: Action;
  direction: Direction | 'both';
  models?: string[];
  endpoints?: FilteredEndpoint[];
  regex?: { pattern: string; flags: string };
  keywords?: string[];
  pii?: PiiType[];
}

export interface Rule {
  name: string;
  action: Action;
  /** What replaces a match (redact). */
  replacement: string;
  models: ReadonlySet<string> | null;
  matchers: Matcher[];
}

/** Rules by action, in config order. */
export interface RuleSet {
  block: readonly Rule[];
  redact: readonly Rule[];
  log: readonly Rule[];
}

/**
 * One side (request or response) of one endpoint: the rules for a model no rule names,
 * and the rules for each model some rule names — so a request looks its set up, and
 * builds nothing.
 */
export interface Side {
  any: RuleSet | null;
  models: ReadonlyMap<string, RuleSet | null>;
}

export type RuleIndex = Record<FilteredEndpoint, Record<Direction, Side>>;

const ENDPOINTS: readonly FilteredEndpoint[] = ['chat', 'messages', 'responses', 'embeddings'];

/** Word characters for "whole word": letters and digits of any script, and `_`. */
const WORD = '[\\p{L}\\p{N}_]';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function keywordMatcher(words: readonly string[]): Matcher {
  // Longest first, so "acme corp" wins over "acme"; any run of spaces in a phrase matches
  // any whitespace, as text wraps.
  const alts = [...new Set(words.map((w) => w.trim()).filter(Boolean))].sort((a, b) => b.length - a.length).map((w) => escape(w).replace(/\s+/g, '\\s+'));
  return { re: new RegExp(`(?<!${WORD})(?:${alts.join('|')})(?!${WORD})`, 'giu') };
}

/**
 * A rule the schema let through but that cannot compile. The message names the rule
 * (`rules[2] "codename": …`); `path` (relative to the plugin's config) and `detail` let
 * checkConfig locate it in the file.
 */
export class RuleConfigError extends Error {
  readonly path: string;
  constructor(
    index: number,
    name: string,
    field: string | undefined,
    readonly detail: string,
  ) {
    super(`rules[${index}] "${name}": ${field ? `${field} ` : ''}${detail}`);
    this.path = `rules[${index}]${field ? `.${field}` : ''}`;
  }
}

function regexMatcher(r: RuleConfig, i: number): Matcher {
  const { pattern, flags } = r.regex!;
  let re: SafeRegex;
  try {
    re = compileSafeRegex(pattern, flags);
  } catch (err) {
    if (!(err instanceof UnsafePatternError)) throw err;
    throw new RuleConfigError(i, r.name, 'regex.pattern', err.message);
  }
  // A pattern that matches the empty string would match (and redact) between every character.
  if (re.test('')) throw new RuleConfigError(i, r.name, 'regex.pattern', 'matches the empty string');
  return { re };
}

function compileRule(r: RuleConfig, i: number): Rule {
  let matchers: Matcher[];
  if (r.regex) matchers = [regexMatcher(r, i)];
  else if (r.keywords) matchers = [keywordMatcher(r.keywords)];
  else if (r.pii) matchers = piiMatchers(r.pii);
  else throw new RuleConfigError(i, r.name, undefined, 'needs one of regex, keywords or pii');
  return {
    name: r.name,
    action: r.action,
    replacement: `[REDACTED:${r.name}]`,
    models: r.models ? new Set(r.models) : null,
    matchers,
  };
}

function setOf(rules: readonly Rule[]): RuleSet | null {
  if (!rules.length) return null;
  return { block: rules.filter((r) => r.action === 'block'), redact: rules.filter((r) => r.action === 'redact'), log: rules.filter((r) => r.action === 'log') };
}

/**
 * @example
 *   const index = compileRules([{ name: 'pii', action: 'redact', direction: 'both', pii: ['email'] }]);
 *   index.chat.request.any!.redact[0].name // 'pii'
 *   index.embeddings.response.any          // null: no rule applies there
 * @throws RuleConfigError naming the rule (`rules[2] "codename": …`) for a bad regex or duplicate name
 */
export function compileRules(configs: readonly RuleConfig[]): RuleIndex {
  const seen = new Set<string>();
  const rules = configs.map((r, i) => {
    if (seen.has(r.name)) throw new RuleConfigError(i, r.name, undefined, 'another rule has this name (names label metrics and redactions)');
    seen.add(r.name);
    return compileRule(r, i);
  });
  const named = new Set(configs.flatMap((c) => c.models ?? []));
  const index = {} as RuleIndex;
  for (const ep of ENDPOINTS) {
    index[ep] = {} as Record<Direction, Side>;
    for (const dir of ['request', 'response'] as const) {
      const here = rules.filter((_r, i) => {
        const c = configs[i]!;
        // Embeddings answer with vectors: nothing to filter on the way back.
        if (ep === 'embeddings' && dir === 'response') return false;
        return (c.direction === dir || c.direction === 'both') && (!c.endpoints || c.endpoints.includes(ep));
      });
      const models = new Map<string, RuleSet | null>();
      for (const m of named) models.set(m, setOf(here.filter((r) => !r.models || r.models.has(m))));
      index[ep][dir] = { any: setOf(here.filter((r) => !r.models)), models };
    }
  }
  return index;
}

/** The rules of `side` for `model` (the client-facing name), or null when none apply. */
export function rulesFor(side: Side, model: string | undefined): RuleSet | null {
  if (model !== undefined && side.models.size) {
    const s = side.models.get(model);
    if (s !== undefined) return s;
  }
  return side.any;
}
