/**
 * What config validation reports: located issues, printed one per line like a compiler
 * (`gateway.yaml:14:7 pipeline[3].config.rpm: must be integer`), and the error that
 * carries them. Messages never hold an interpolated value: they are built from keys,
 * schema facts and variable names only.
 */
import type { ConfigPath } from './paths.ts';

/** One problem, located in the file (1-based line and column). */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted/bracket path from the document root, e.g. `models[0].provider`; '' = the root. */
  path: string;
  message: string;
}

/**
 * An issue before it is located. `at: 'value'` points at the value itself (a string with a
 * bad `${VAR}`); the default points at the key that holds it, which is what an editor user
 * looks for (`rpm:` rather than the number after it).
 */
export interface RawIssue {
  path: ConfigPath;
  message: string;
  at?: 'key' | 'value';
  /** Already known (a YAML syntax error's position): used as is. */
  pos?: { line: number; column: number };
}

/**
 * Print issues one per line.
 *
 * @example
 *   formatIssues([{ file: 'gateway.yaml', line: 14, column: 7, path: 'pipeline[3].config.rpm', message: 'must be integer' }])
 *   // 'gateway.yaml:14:7 pipeline[3].config.rpm: must be integer'
 */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatIssue).join('\n');
}

function formatIssue(i: ConfigIssue): string {
  const where = `${i.file}:${i.line}:${i.column}`;
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

/**
 * A config that cannot be used. `issues` holds every problem found, in file order.
 *
 * @example
 *   try { await loadConfig('gateway.yaml'); }
 *   catch (err) { if (err instanceof ConfigError) console.error(err.message); }
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
