/**
 * Content rules for aliases: the first rule whose regex or keywords match the text of its
 * roles names the model to prefer. Regexes run on RE2 (linear time: the text is the
 * client's); keywords are lower-cased once, at load.
 *
 * @example
 *   const rules = compileRules([{ name: 'maths', model: 'big', regex: '\\bprove\\b' }]);
 *   firstMatch(rules, features.textByRole)?.name; // 'maths'
 */
import { compileSafeRegex, safeRegexProblem, type SafeRegex } from '../../engine/safe-regex.ts';
import type { RouterConfig } from './config.generated.ts';

export interface CompiledRule {
  name: string;
  model: string;
  regex?: SafeRegex;
  keywords: string[];
  roles: ReadonlySet<string>;
}

export function compileRules(rules: RouterConfig['rules'] = []): CompiledRule[] {
  return rules.map((r, i) => ({
    name: r.name ?? `rule${i + 1}`,
    model: r.model,
    // Linear-time: the text is the client's, so a backtracking engine could be made to stall.
    regex: r.regex ? compileSafeRegex(r.regex, r.flags ?? 'i') : undefined,
    keywords: (r.keywords ?? []).map((k) => k.toLowerCase()),
    roles: new Set(r.roles ?? ['user']),
  }));
}

/** The first rule matching the request's text by role, if any. */
export function firstMatch(rules: readonly CompiledRule[], textByRole: ReadonlyMap<string, string>): CompiledRule | undefined {
  return rules.find((r) => matches(r, textByRole));
}

function matches(r: CompiledRule, textByRole: ReadonlyMap<string, string>): boolean {
  for (const role of r.roles) {
    const text = textByRole.get(role);
    if (!text) continue;
    if (r.regex?.test(text)) return true;
    if (r.keywords.length) {
      const lower = text.toLowerCase();
      if (r.keywords.some((k) => lower.includes(k))) return true;
    }
  }
  return false;
}

/**
 * The rules' problems a schema cannot see: a regex that will not compile for linear-time
 * matching. `at` is the config's path (`pipeline[4].config`).
 *
 * @example
 *   ruleIssues([{ model: 'big', regex: '(a)\\1' }], 'pipeline[0].config')
 *   // [{ path: 'pipeline[0].config.rules[0].regex', message: 'uses a backreference (\\1), which …' }]
 */
export function ruleIssues(rules: RouterConfig['rules'] = [], at: string): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  rules.forEach(function checkRule(r, i) {
    const problem = r.regex === undefined ? undefined : safeRegexProblem(r.regex, r.flags ?? 'i');
    if (problem) issues.push({ path: `${at}.rules[${i}].regex`, message: problem });
  });
  return issues;
}
