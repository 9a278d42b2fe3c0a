/**
 * Model scopes: exact names are a Set lookup; names with `*` (any run of characters) are
 * joined into one anchored pattern, built once and matched in linear time: the model name
 * is the client's, and a glob like `*a*a*a*b` on V8's backtracking engine takes minutes
 * on a thousand-character name.
 *
 * @example
 *   const m = modelMatcher(['gpt-4o', 'claude-*']);
 *   m('gpt-4o'); m('claude-3-haiku');   // true, true
 *   m('gpt-4o-mini'); m(undefined);     // false, false
 */
import { compileSafeRegex } from '../../engine/safe-regex.ts';

export type ModelMatcher = (model: string | undefined) => boolean;

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

export function modelMatcher(patterns: readonly string[]): ModelMatcher {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*'));
  const re = globs.length ? compileSafeRegex(`^(?:${globs.map((g) => g.split('*').map(escape).join('.*')).join('|')})$`, 's') : undefined;
  return function matchesModel(model) {
    if (model === undefined) return false;
    return exact.has(model) || (re !== undefined && re.test(model));
  };
}
