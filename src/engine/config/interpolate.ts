/**
 * `${VAR}` / `${VAR:-default}` substitution in every string scalar of the parsed tree.
 * Working on the tree rather than the raw text means a value holding `"`, `:` or a newline
 * cannot break the YAML around it. Messages name variables, never their values (secrets).
 */
import type { PathSegment } from './paths.ts';
import type { RawIssue } from './issues.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  issues: RawIssue[];
  /** Paths whose value came (partly) from the environment: never quote those in messages. */
  interpolated: Set<string>;
}

// $${NAME…} is an escape; ${NAME} / ${NAME:-default} a reference. Default: anything but '}'.
const REF = /(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replace references in place, in every string value of `tree` (keys are left alone).
 *
 * @example
 *   const tree = { a: '${HOST:-localhost}:${PORT}', b: '$${LITERAL}' };
 *   interpolateTree(tree, { PORT: '80' }); // tree.a === 'localhost:80', tree.b === '${LITERAL}'
 */
export function interpolateTree(tree: unknown, env: Env): InterpolationResult {
  const result: InterpolationResult = { issues: [], interpolated: new Set() };
  walk(tree, [], env, result);
  return result;
}

function walk(node: unknown, path: PathSegment[], env: Env, out: InterpolationResult): void {
  if (Array.isArray(node)) {
    node.forEach(function visitItem(item, i) {
      node[i] = visit(item, [...path, i], env, out);
    });
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = visit(obj[key], [...path, key], env, out);
  }
}

function visit(value: unknown, path: PathSegment[], env: Env, out: InterpolationResult): unknown {
  if (typeof value !== 'string') {
    walk(value, path, env, out);
    return value;
  }
  if (!value.includes('${')) return value;
  let substituted = false;
  const text = value.replace(REF, function substitute(match, escape: string, name: string, fallback?: string) {
    if (escape) return match.slice(1);
    const set = env[name];
    // As in the shell, `:-` also covers a variable that is set but empty.
    if (set !== undefined && (set !== '' || fallback === undefined)) {
      substituted = true;
      return set;
    }
    if (fallback !== undefined) return fallback;
    out.issues.push({
      path,
      at: 'value',
      message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
    });
    return '';
  });
  if (substituted) out.interpolated.add(JSON.stringify(path));
  return text;
}

/** Whether `path` holds a value taken from the environment (see `interpolated`). */
export function isInterpolated(result: Pick<InterpolationResult, 'interpolated'>, path: readonly PathSegment[]): boolean {
  return result.interpolated.has(JSON.stringify(path));
}
