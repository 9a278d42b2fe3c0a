/**
 * Compiles the `rules:` of the config once per generation: every regex built (a bad one
 * is an error naming the rule), keywords folded into one whole-word regex per rule, and
 * per endpoint the rules that can apply, split by side and action, so a request only
 * looks up an array.
 */
import type { Endpoint } from '../../engine/context.ts';
import { piiMatchers, type Matcher, type PiiType } from './detectors.ts';

export type Action = 'block' | 'redact' | 'log';
export type Direction = 'request' | 'response';
export type FilteredEndpoint = 'chat' | 'messages' | 'embeddings';

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

/** The rules of one side of one endpoint, by action, in config order. */
export interface RuleSet {
  block: readonly Rule[];
  redact: readonly Rule[];
  log: readonly Rule[];
  /** Some rule is limited to `models`: the set must be narrowed per request. */
  byModel: boolean;
}

export type RuleIndex = Record<FilteredEndpoint, Record<Direction, RuleSet | null>>;

const ENDPOINTS: readonly FilteredEndpoint[] = ['chat', 'messages', 'embeddings'];

/** Word characters for "whole word": letters and digits of any script, and `_`. */
const WORD = '[\\p{L}\\p{N}_]';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function keywordMatcher(words: readonly string[]): Matcher {
  // Longest first, so "acme corp" wins over "acme"; any run of spaces in a phrase matches
  // any whitespace, as text wraps.
  const alts = [...new Set(words.map((w) => w.trim()).filter(Boolean))]
    .sort((a, b) => b.length - a.length)
    .map((w) => escape(w).replace(/\s+/g, '\\s+'));
  return { re: new RegExp(`(?<!${WORD})(?:${alts.join('|')})(?!${WORD})`, 'giu') };
}

function regexMatcher(r: RuleConfig, where: string): Matcher {
  const { pattern, flags } = r.regex!;
  let re: RegExp;
  try {
    re = new RegExp(pattern, `${flags}g`);
  } catch (err) {
    throw new Error(`${where}: regex.pattern is not a valid regular expression with flags "${flags}" (${(err as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }
  // A pattern that matches the empty string would match (and redact) between every character.
  if (new RegExp(pattern, flags).test('')) throw new Error(`${where}: regex.pattern matches the empty string`);
  return { re };
}

function compileRule(r: RuleConfig, i: number): Rule {
  const where = `rules[${i}] "${r.name}"`;
  let matchers: Matcher[];
  if (r.regex) matchers = [regexMatcher(r, where)];
  else if (r.keywords) matchers = [keywordMatcher(r.keywords)];
  else if (r.pii) matchers = piiMatchers(r.pii);
  else throw new Error(`${where}: needs one of regex, keywords or pii`);
  return {
    name: r.name, action: r.action, replacement: `[REDACTED:${r.name}]`,
    models: r.models ? new Set(r.models) : null, matchers,
  };
}

/**
 * @example
 *   const index = compileRules([{ name: 'pii', action: 'redact', direction: 'both', pii: ['email'] }]);
 *   index.chat.request!.redact[0].name // 'pii'
 *   index.embeddings.response          // null: no rule applies there
 * @throws Error naming the rule (`rules[2] "codename": …`) for a bad regex or duplicate name
 */
export function compileRules(configs: readonly RuleConfig[]): RuleIndex {
  const seen = new Set<string>();
  const rules = configs.map((r, i) => {
    if (seen.has(r.name)) throw new Error(`rules[${i}] "${r.name}": another rule has this name (names label metrics and redactions)`);
    seen.add(r.name);
    return compileRule(r, i);
  });
  const index = {} as RuleIndex;
  for (const ep of ENDPOINTS) {
    index[ep] = { request: null, response: null };
    for (const dir of ['request', 'response'] as const) {
      // Embeddings answer with vectors: nothing to filter on the way back.
      if (ep === 'embeddings' && dir === 'response') continue;
      const set = { block: [] as Rule[], redact: [] as Rule[], log: [] as Rule[], byModel: false };
      configs.forEach((c, i) => {
        if (c.direction !== dir && c.direction !== 'both') return;
        if (c.endpoints && !c.endpoints.includes(ep)) return;
        set[c.action].push(rules[i]!);
        if (c.models) set.byModel = true;
      });
      if (set.block.length + set.redact.length + set.log.length) index[ep][dir] = set;
    }
  }
  return index;
}

/** The rules of `set` that apply to `model` (the client-facing name), or null when none do. */
export function forModel(set: RuleSet | null, model: string | undefined): RuleSet | null {
  if (!set || !set.byModel) return set;
  const keep = (r: Rule) => !r.models || (model !== undefined && r.models.has(model));
  const out = { block: set.block.filter(keep), redact: set.redact.filter(keep), log: set.log.filter(keep), byModel: false };
  return out.block.length + out.redact.length + out.log.length ? out : null;
}
