/**
 * Checks JSON Schema cannot express: references between sections, pipeline shape and
 * uniqueness. Run on a tree that already passed the gateway schema.
 */
import type { GatewayConfig, PipelineEntry } from './types.ts';
import type { RawIssue } from './issues.ts';
import { formatPath, type PathSegment } from './paths.ts';
import type { ResolvedPipeline } from './plugin-configs.ts';

/**
 * @param resolved plugin definitions of `config.pipeline` then each route's pipeline (in
 *   route order), as returned by checkPluginConfigs
 * @param fromEnv whether a path's value came from the environment (never quoted)
 * @example
 *   const issues = semanticIssues(config, resolved, (p) => isInterpolated(interp, p));
 */
export function semanticIssues(config: GatewayConfig, resolved: readonly ResolvedPipeline[], fromEnv: (path: readonly PathSegment[]) => boolean): RawIssue[] {
  const issues: RawIssue[] = [];
  checkModelProviders(config, issues, fromEnv);
  checkPipeline(config.pipeline, ['pipeline'], resolved[0] ?? [], true, issues);
  (config.routes ?? []).forEach(function checkRoute(route, r) {
    checkPipeline(route.pipeline ?? [], ['routes', r, 'pipeline'], resolved[r + 1] ?? [], false, issues);
  });
  checkRoutePaths(config, issues, fromEnv);
  return issues;
}

function checkModelProviders(config: GatewayConfig, issues: RawIssue[], fromEnv: (p: readonly PathSegment[]) => boolean): void {
  const known = Object.keys(config.providers);
  config.models.forEach(function checkModel(model, i) {
    if (Object.hasOwn(config.providers, model.provider)) return;
    const path = ['models', i, 'provider'];
    const name = fromEnv(path) ? 'this provider' : `provider "${model.provider}"`;
    issues.push({ path, message: `${name} is not defined in providers (defined: ${known.join(', ') || 'none'})` });
  });
}

/**
 * The main pipeline needs exactly one terminal plugin, last; a route's may have none
 * (the route proxies) but a terminal, if any, must still be last and alone.
 */
function checkPipeline(entries: readonly PipelineEntry[], at: PathSegment[], defs: ResolvedPipeline, needsTerminal: boolean, issues: RawIssue[]): void {
  const ids = new Map<string, number>();
  entries.forEach(function checkId(entry, i) {
    const id = entry.id ?? entry.use;
    const first = ids.get(id);
    if (first === undefined) ids.set(id, i);
    else {
      issues.push({
        path: [...at, i, entry.id === undefined ? 'use' : 'id'],
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
      issues.push({ path: [...at, i, 'use'], message: `plugin "${entries[i]!.use}" is terminal and must be the last entry` });
    }
  }
}

function checkRoutePaths(config: GatewayConfig, issues: RawIssue[], fromEnv: (p: readonly PathSegment[]) => boolean): void {
  const seen = new Map<string, number>();
  (config.routes ?? []).forEach(function checkPath(route, i) {
    const first = seen.get(route.path);
    if (first === undefined) seen.set(route.path, i);
    else {
      const path = ['routes', i, 'path'];
      const shown = fromEnv(path) ? 'this path' : `"${route.path}"`;
      issues.push({ path, message: `duplicate route path ${shown} (also routes[${first}])` });
    }
  });
}
