/**
 * What linear-time matching (RE2, through re2js) costs a config regex, against V8's
 * backtracking RegExp it replaced: the content-filter's `scanText` on an ordinary
 * 440-character message, with the README's three rules and with a `regex:` rule added
 * (matching and not matching), and `(a+)+$` on a 100 KB adversarial input (RE2 only: the
 * backtracking engine would not return).
 * Run: BENCH_ONLY=regex-scan npm run bench, or node --import tsx test/bench/regex-scan.ts
 */
import { compileRules, type RuleConfig, type RuleSet } from '../../src/plugins-builtin/content-filter/rules.ts';
import { scanText, Tally } from '../../src/plugins-builtin/content-filter/scan.ts';
import { compileSafeRegex } from '../../src/engine/safe-regex.ts';
import { isMain } from './standalone.ts';

const MESSAGE = (
  'Hi team, following up on the quarterly planning call: please send the revised budget figures ' +
  'for the northern region before Friday, and include the headcount changes we discussed. The ' +
  'vendor contract renewal is still pending legal review, so hold any commitments until then. ' +
  'Let me know if the timeline slips, and loop in finance early if the numbers move by more ' +
  'than five percent. Thanks for pulling this together so quickly!'
)
  .padEnd(440, ' Cheers.')
  .slice(0, 440);

const README_RULES: RuleConfig[] = [
  { name: 'secrets', pii: ['secret'], action: 'block', direction: 'request' },
  { name: 'pii', pii: ['email', 'phone', 'credit_card', 'us_ssn'], action: 'redact', direction: 'request' },
  { name: 'competitors', keywords: ['acme corp', 'globex'], action: 'log', direction: 'request' },
];
const REGEX_RULE: RuleConfig = {
  name: 'codename',
  regex: { pattern: '\\bproject[- ]?(?:falcon|osprey)\\b', flags: 'i' },
  action: 'redact',
  direction: 'request',
};
// No literal every match must contain: the prefilter cannot help, RE2's automaton runs.
const NO_LITERAL_RULE: RuleConfig = { name: 'badge', regex: { pattern: '\\b[A-Z]{2}\\d{6}\\b', flags: '' }, action: 'redact', direction: 'request' };

/** The rule set as it was before: each `regex:` rule on a backtracking RegExp. */
function withNativeRegex(set: RuleSet, rules: RuleConfig[]): RuleSet {
  for (const rule of set.redact) {
    const cfg = rules.find((r) => r.name === rule.name)!;
    if (cfg.regex) rule.matchers = [{ re: new RegExp(cfg.regex.pattern, `${cfg.regex.flags}g`) }];
  }
  return set;
}

function perCallMicros(fn: () => unknown, n = 50_000): number {
  for (let i = 0; i < 5_000; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n / 1000);
  }
  return best;
}

function measure(label: string, rules: RuleConfig[], text: string): void {
  const safe = compileRules(rules).chat.request.any!;
  const native = withNativeRegex(compileRules(rules).chat.request.any!, rules);
  const a = perCallMicros(() => scanText(native, text, 262_144, new Tally()));
  const b = perCallMicros(() => scanText(safe, text, 262_144, new Tally()));
  console.log(`${label.padEnd(58)} RegExp ${a.toFixed(2).padStart(6)} µs   RE2 ${b.toFixed(2).padStart(6)} µs`);
}

export async function bench(): Promise<void> {
  console.log(`scanText, ${MESSAGE.length}-character message (best of 5 rounds):`);
  measure("README's three rules (no regex rule)", README_RULES, MESSAGE);
  measure('+ a regex rule, no match', [...README_RULES, REGEX_RULE], MESSAGE);
  measure('+ a regex rule, one match', [...README_RULES, REGEX_RULE], MESSAGE.replace('The vendor', 'Project Falcon'));
  measure('a regex rule alone, no match', [REGEX_RULE], MESSAGE);
  measure('a regex rule with no literal, alone, no match', [NO_LITERAL_RULE], MESSAGE);
  measure('a regex rule with no literal, alone, one match', [NO_LITERAL_RULE], MESSAGE.replace('The vendor', 'badge AB123456'));

  const adversarial = `${'a'.repeat(100_000)}!`;
  const catastrophic = compileSafeRegex('(a+)+$');
  const t = performance.now();
  catastrophic.lastIndex = 0;
  catastrophic.exec(adversarial);
  const scan = performance.now() - t;
  const t2 = performance.now();
  catastrophic.replaceFirst(`/${adversarial}`, '/');
  console.log(`(a+)+$ on 100 KB 'aaa…!': exec ${scan.toFixed(2)} ms, replaceFirst ${(performance.now() - t2).toFixed(2)} ms (RegExp: does not return)`);
}

if (isMain(import.meta)) await bench();
