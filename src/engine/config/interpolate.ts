/**
 * `${VAR}` / `${VAR:-default}` / `${file:/run/secrets/name}` substitution in every string
 * scalar of the parsed tree. Working on the tree rather than the raw text means a value
 * holding `"`, `:` or a newline cannot break the YAML around it. `${file:…}` reads a
 * Docker or Kubernetes secret (its trailing newline trimmed). Messages name variables and
 * files, never their values (secrets). Runs in the config worker, so the reads do not
 * hold up the event loop.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { PathSegment } from './paths.ts';
import type { RawIssue } from './issues.ts';
import { LIMIT_VARIABLES } from './limits.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  issues: RawIssue[];
  /** Paths whose value came (partly) from the environment: never quote those in messages. */
  interpolated: Set<string>;
}

export interface InterpolateOptions {
  /** `${file:relative/path}` resolves against it. Default: the working directory. */
  configDir?: string;
  /** Longest value after substitution, and largest secret file (characters). */
  maxStringChars?: number;
}

// $${…} is an escape; ${NAME} / ${NAME:-default} / ${file:path} a reference. Default and
// path: anything but '}'.
const REF = /(\$?)\$\{(?:file:([^}]*)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)\}/g;

/**
 * Replace references in place, in every string value of `tree` (keys are left alone).
 *
 * @example
 *   const tree = { a: '${HOST:-localhost}:${PORT}', b: '$${LITERAL}' };
 *   interpolateTree(tree, { PORT: '80' }); // tree.a === 'localhost:80', tree.b === '${LITERAL}'
 */
export function interpolateTree(tree: unknown, env: Env, opts: InterpolateOptions = {}): InterpolationResult {
  const result: InterpolationResult = { issues: [], interpolated: new Set() };
  const ctx: Context = { env, out: result, configDir: opts.configDir ?? process.cwd(), maxChars: opts.maxStringChars ?? Infinity };
  walk(tree, [], ctx);
  return result;
}

interface Context {
  env: Env;
  out: InterpolationResult;
  configDir: string;
  maxChars: number;
}

function walk(node: unknown, at: PathSegment[], ctx: Context): void {
  if (Array.isArray(node)) {
    node.forEach(function visitItem(item, i) {
      node[i] = visit(item, [...at, i], ctx);
    });
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = visit(obj[key], [...at, key], ctx);
  }
}

function visit(value: unknown, at: PathSegment[], ctx: Context): unknown {
  if (typeof value !== 'string') {
    walk(value, at, ctx);
    return value;
  }
  if (!value.includes('${')) return value;
  const { env, out } = ctx;
  let substituted = false;
  const text = value.replace(REF, function substitute(match, escape: string, file: string | undefined, name: string, fallback?: string) {
    if (escape) return match.slice(1);
    if (file !== undefined) {
      const secret = readSecretFile(file, at, ctx);
      if (secret === undefined) return '';
      substituted = true;
      return secret;
    }
    const set = env[name];
    // As in the shell, `:-` also covers a variable that is set but empty.
    if (set !== undefined && (set !== '' || fallback === undefined)) {
      substituted = true;
      return set;
    }
    if (fallback !== undefined) return fallback;
    out.issues.push({
      path: at,
      at: 'value',
      message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
    });
    return '';
  });
  if (substituted) {
    out.interpolated.add(JSON.stringify(at));
    if (text.length > ctx.maxChars) {
      const limit = `the limit is ${ctx.maxChars.toLocaleString('en-US')} (${LIMIT_VARIABLES.maxStringChars} raises it)`;
      out.issues.push({ path: at, at: 'value', message: `is ${text.length.toLocaleString('en-US')} characters long once substituted; ${limit}` });
    }
  }
  return text;
}

/**
 * A secret file's text without its trailing newline (what `echo x > file` and Kubernetes
 * tooling leave), or undefined after recording why it could not be read.
 */
function readSecretFile(file: string, at: PathSegment[], ctx: Context): string | undefined {
  const fail = (why: string): undefined => {
    ctx.out.issues.push({ path: at, at: 'value', message: `cannot read secret file ${file} (${why})` });
    return undefined;
  };
  if (file.trim() === '') return fail('no path given');
  const full = path.resolve(ctx.configDir, file);
  let fd: number | undefined;
  try {
    fd = openSync(full, 'r');
    const st = fstatSync(fd);
    if (!st.isFile()) return fail('not a file');
    // Bytes ≥ characters for UTF-8: a file within the limit in bytes is within it in characters.
    if (st.size > ctx.maxChars * 4) return fail('larger than the string limit');
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    const text = buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/[\r\n]+$/, '');
    return text;
  } catch (err) {
    return fail((err as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `path` holds a value taken from the environment (see `interpolated`). */
export function isInterpolated(result: Pick<InterpolationResult, 'interpolated'>, path: readonly PathSegment[]): boolean {
  return result.interpolated.has(JSON.stringify(path));
}
