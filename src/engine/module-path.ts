/**
 * Where a module named in the config lives — a plugin's `use:` or a provider's `type:` —
 * decided before any of its code runs. Accepted: a built-in name; a path inside a plugin
 * root (the config folder's `plugins/` unless `plugins.roots` says otherwise), checked
 * after symlinks are resolved; an npm package installed in the config folder's
 * `node_modules`, by name. Refused: URLs (`data:`, `file:`, `http:`…), paths anywhere
 * else, `..` escapes. Messages name what was written, never a path inside the gateway.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where config-named modules may come from. Paths are absolute. */
export interface ModuleScope {
  configDir: string;
  roots: readonly string[];
}

/** A module the config may load: a built-in by name, or a file by URL. */
export type ModuleLocation = { kind: 'builtin'; name: string } | { kind: 'file'; url: string };

/** What is being located, for messages: `plugin` and the built-in names. */
export interface ModuleKind {
  noun: string;
  builtins: readonly string[];
}

/** A name the config may not use; the message says why and what would do. */
export class ModuleRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModuleRefusal';
  }
}

const DEFAULT_PLUGIN_ROOTS: readonly string[] = ['./plugins'];

/**
 * @param roots `plugins.roots` as written (relative to the config folder); default ./plugins
 * @example
 *   moduleScope('/etc/gateway') // { configDir: '/etc/gateway', roots: ['/etc/gateway/plugins'] }
 */
export function moduleScope(configDir: string, roots: readonly string[] = DEFAULT_PLUGIN_ROOTS): ModuleScope {
  const dir = path.resolve(configDir);
  return { configDir: dir, roots: roots.map((r) => path.resolve(dir, r)) };
}

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const INDEX_FILES = ['index.ts', 'index.js', 'index.mjs'];

/**
 * @example
 *   await locateModule('metrics', scope, { noun: 'plugin', builtins: ['metrics'] }) // { kind: 'builtin', name: 'metrics' }
 *   await locateModule('./plugins/tagger', scope, kind)   // { kind: 'file', url: 'file:///etc/gateway/plugins/tagger/index.ts' }
 *   await locateModule('data:text/javascript,…', scope, kind) // throws ModuleRefusal
 * @throws ModuleRefusal
 */
export async function locateModule(spec: string, scope: ModuleScope, kind: ModuleKind): Promise<ModuleLocation> {
  if (kind.builtins.includes(spec)) return { kind: 'builtin', name: spec };
  if (URL_LIKE.test(spec)) {
    throw new ModuleRefusal(
      `cannot load ${kind.noun} "${shown(spec)}": URLs are not accepted, only built-in names, paths under ${rootsShown(scope)} and installed packages`,
    );
  }
  if (spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)) return locateFile(spec, scope, kind);
  if (PACKAGE_NAME.test(spec)) {
    const found = await locatePackage(spec, scope, kind);
    if (found) return found;
  }
  throw new ModuleRefusal(unknownMessage(spec, scope, kind));
}

async function locateFile(spec: string, scope: ModuleScope, kind: ModuleKind): Promise<ModuleLocation> {
  const outside = () =>
    new ModuleRefusal(
      `cannot load ${kind.noun} "${spec}": it is outside the plugin roots (${rootsShown(scope)}); move it under one, or add its folder to plugins.roots`,
    );
  // As written first (nothing outside the roots is even looked at), then with symlinks resolved.
  const lexical = path.resolve(scope.configDir, spec);
  if (!scope.roots.some((r) => isInside(lexical, r))) throw outside();
  const target = await realOrNull(lexical);
  if (target === null) throw new ModuleRefusal(`cannot load ${kind.noun} "${spec}": no such file or folder`);
  const entry = await entryOf(target);
  if (entry === null) throw new ModuleRefusal(`cannot load ${kind.noun} "${spec}": a folder without an index.ts, index.js or index.mjs`);
  const realEntry = await realpath(entry);
  if (!(await insideAny(realEntry, scope.roots))) throw outside();
  return { kind: 'file', url: pathToFileURL(realEntry).href };
}

/** The package's entry (its `exports` "." for import, else `main`, else index.js), if installed. */
async function locatePackage(name: string, scope: ModuleScope, kind: ModuleKind): Promise<ModuleLocation | null> {
  const modules = path.join(scope.configDir, 'node_modules');
  const dir = await realOrNull(path.join(modules, name));
  if (dir === null) return null;
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    throw new ModuleRefusal(`cannot load ${kind.noun} "${name}": node_modules/${name}/package.json is missing or not JSON`);
  }
  const rel = exportsEntry(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const target = await realOrNull(path.resolve(dir, rel));
  const entry = target === null ? null : await entryOf(target);
  if (entry === null) throw new ModuleRefusal(`cannot load ${kind.noun} "${name}": the package's entry (${rel}) does not exist`);
  const realEntry = await realpath(entry);
  const realModules = await realOrNull(modules);
  if (!(await insideAny(realEntry, realModules ? [realModules, ...scope.roots] : scope.roots))) {
    throw new ModuleRefusal(
      `cannot load ${kind.noun} "${name}": it resolves outside node_modules (a link to elsewhere); install it, or add its folder to plugins.roots`,
    );
  }
  return { kind: 'file', url: pathToFileURL(realEntry).href };
}

function exportsEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (Array.isArray(exp)) return exp.map(exportsEntry).find((e) => e !== undefined);
  if (exp === null || typeof exp !== 'object') return undefined;
  const map = exp as Record<string, unknown>;
  if ('.' in map) return exportsEntry(map['.']);
  for (const condition of ['import', 'node', 'default']) {
    const found = condition in map ? exportsEntry(map[condition]) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

async function entryOf(target: string): Promise<string | null> {
  const s = await stat(target);
  if (s.isFile()) return target;
  if (!s.isDirectory()) return null;
  for (const index of INDEX_FILES) {
    const file = path.join(target, index);
    if ((await realOrNull(file)) !== null) return file;
  }
  return null;
}

async function insideAny(file: string, roots: readonly string[]): Promise<boolean> {
  for (const root of roots) {
    const real = await realOrNull(root);
    if (real !== null && isInside(file, real)) return true;
  }
  return false;
}

function isInside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

async function realOrNull(p: string): Promise<string | null> {
  try {
    return await realpath(p);
  } catch {
    return null;
  }
}

function unknownMessage(spec: string, scope: ModuleScope, kind: ModuleKind): string {
  const near = closest(spec, kind.builtins);
  const hint = near ? ` (did you mean "${near}"?)` : '';
  const packaged = PACKAGE_NAME.test(spec) ? `, and no package of that name is installed in node_modules` : '';
  return (
    `unknown ${kind.noun} "${shown(spec)}"${hint}: not built in${packaged}. ` +
    `Built-in: ${[...kind.builtins].sort().join(', ')}; or a path under ${rootsShown(scope)}, or an installed package name`
  );
}

/** The plugin roots as the config wrote them (relative to its folder where they are inside it). */
function rootsShown(scope: ModuleScope): string {
  return scope.roots.map((r) => (r.startsWith(scope.configDir + path.sep) ? `./${path.relative(scope.configDir, r)}/` : `${r}/`)).join(', ');
}

/** A name as printed: a long `data:` payload is cut, not echoed whole. */
function shown(spec: string): string {
  return spec.length > 60 ? `${spec.slice(0, 57)}…` : spec;
}

/** The built-in name within two edits of `spec`, for typos. */
function closest(spec: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(spec, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
