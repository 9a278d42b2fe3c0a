/**
 * Checks JSON Schema cannot express: references between sections, pipeline shape,
 * uniqueness, and route rewrites that must compile for linear-time matching. They run
 * even when the schema found problems (so one run shows everything), on a tree that may
 * be malformed: each check reads only what has the shape it needs.
 */
import type { RawIssue } from './issues.ts';
import { formatPath, type PathSegment } from './paths.ts';
import type { ResolvedPipeline } from './plugin-configs.ts';
import { safeRegexProblem } from '../safe-regex.ts';
import { trustEntryProblem } from '../server/trusted-proxies.ts';

type FromEnv = (path: readonly PathSegment[]) => boolean;

/**
 * @param resolved plugin definitions of `pipeline` then each route's pipeline (in route
 *   order), as returned by checkPluginConfigs
 * @param fromEnv whether a path's value came from the environment (never quoted)
 * @example
 *   const issues = semanticIssues(tree, resolved, (p) => interpolated.has(JSON.stringify(p)));
 */
export function semanticIssues(tree: unknown, resolved: readonly ResolvedPipeline[], fromEnv: FromEnv): RawIssue[] {
  const issues: RawIssue[] = [];
  const root = asRecord(tree);
  checkModelProviders(root, issues, fromEnv);
  checkPipeline(asArray(root?.pipeline), ['pipeline'], resolved[0] ?? [], true, issues);
  const routes = asArray(root?.routes);
  routes.forEach(function checkRoute(route, r) {
    checkPipeline(asArray(asRecord(route)?.pipeline), ['routes', r, 'pipeline'], resolved[r + 1] ?? [], false, issues);
  });
  checkRoutePaths(routes, issues, fromEnv);
  checkPathRewrites(routes, issues);
  checkTrustProxy(asArray(asRecord(root?.server)?.trust_proxy), issues);
  return issues;
}

/** `server.trust_proxy` entries must parse: a typo would otherwise trust nothing, silently. */
function checkTrustProxy(entries: readonly unknown[], issues: RawIssue[]): void {
  entries.forEach(function checkEntry(entry, i) {
    const problem = typeof entry === 'string' ? trustEntryProblem(entry) : undefined;
    if (problem) issues.push({ path: ['server', 'trust_proxy', i], message: problem });
  });
}

function checkModelProviders(root: Record<string, unknown> | undefined, issues: RawIssue[], fromEnv: FromEnv): void {
  const providers = asRecord(root?.providers);
  if (!providers) return;
  const known = Object.keys(providers);
  asArray(root?.models).forEach(function checkModel(model, i) {
    const provider = asRecord(model)?.provider;
    if (typeof provider !== 'string' || Object.hasOwn(providers, provider)) return;
    const path = ['models', i, 'provider'];
    const name = fromEnv(path) ? 'this provider' : `provider "${provider}"`;
    issues.push({ path, message: `${name} is not defined in providers (defined: ${known.join(', ') || 'none'})` });
  });
}

/**
 * The main pipeline needs exactly one terminal plugin, last; a route's may have none
 * (the route proxies) but a terminal, if any, must still be last and alone.
 */
function checkPipeline(entries: readonly unknown[], at: PathSegment[], defs: ResolvedPipeline, needsTerminal: boolean, issues: RawIssue[]): void {
  const ids = new Map<string, number>();
  entries.forEach(function checkId(raw, i) {
    const entry = asRecord(raw);
    const id = typeof entry?.id === 'string' ? entry.id : entry?.use;
    if (typeof id !== 'string') return;
    const first = ids.get(id);
    if (first === undefined) ids.set(id, i);
    else {
      issues.push({
        path: [...at, i, entry?.id === undefined ? 'use' : 'id'],
        message: `duplicate plugin instance id "${id}" (also ${formatPath([...at, first])}); give one an \`id\``,
      });
    }
  });
  // Whether a plugin is terminal is unknown when it failed to load: say nothing rather than guess.
  if (defs.length !== entries.length || defs.some((d) => d === undefined)) return;
  const terminals = defs.flatMap((d, i) => (d?.terminal ? [i] : []));
  const last = entries.length - 1;
  if (terminals.length === 0 && needsTerminal) {
    issues.push({ path: at, message: 'needs a terminal plugin (e.g. `use: provider`) as its last entry' });
  }
  for (const i of terminals) {
    if (i !== last) {
      issues.push({ path: [...at, i, 'use'], message: `plugin "${String(asRecord(entries[i])?.use)}" is terminal and must be the last entry` });
    }
  }
}

function checkRoutePaths(routes: readonly unknown[], issues: RawIssue[], fromEnv: FromEnv): void {
  const seen = new Map<string, number>();
  routes.forEach(function checkPath(route, i) {
    const routePath = asRecord(route)?.path;
    if (typeof routePath !== 'string') return;
    const first = seen.get(routePath);
    if (first === undefined) seen.set(routePath, i);
    else {
      const path = ['routes', i, 'path'];
      const shown = fromEnv(path) ? 'this path' : `"${routePath}"`;
      issues.push({ path, message: `duplicate route path ${shown} (also routes[${first}])` });
    }
  });
}

/** `path_rewrite` keys are regexes run on every request's URL: linear-time ones only. */
function checkPathRewrites(routes: readonly unknown[], issues: RawIssue[]): void {
  routes.forEach(function checkRewrites(route, i) {
    const rewrites = asRecord(asRecord(asRecord(route)?.proxy)?.path_rewrite);
    for (const pattern of Object.keys(rewrites ?? {})) {
      const problem = safeRegexProblem(pattern);
      if (problem) issues.push({ path: ['routes', i, 'proxy', 'path_rewrite', pattern], message: problem });
    }
  });
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
