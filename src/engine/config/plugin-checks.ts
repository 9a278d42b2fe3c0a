/**
 * Each pipeline entry's `checkConfig` (the plugin's own checks beyond its schema), run on
 * a config that passed every other check, so plugins see validated, defaulted values.
 * A plugin's issue names a full config path, located in the file like any other issue;
 * a checkConfig that throws is reported at the entry's `use` (fail closed).
 */
import type { GatewayConfig, PipelineEntry } from './types.ts';
import type { RawIssue } from './issues.ts';
import type { ResolvedPipeline } from './plugin-configs.ts';
import { formatPath, parsePath, type PathSegment } from './paths.ts';

/**
 * @param resolved plugin definitions of `config.pipeline` then each route's pipeline, as
 *   returned by checkPluginConfigs
 * @example
 *   issues.push(...pluginCheckIssues(config, plugins.resolved));
 */
export function pluginCheckIssues(config: GatewayConfig, resolved: readonly ResolvedPipeline[]): RawIssue[] {
  const issues: RawIssue[] = [];
  const names = new Set(config.models.map((m) => m.name));
  const hasModel = (name: string) => names.has(name);
  const run = (entries: readonly PipelineEntry[], at: PathSegment[], defs: ResolvedPipeline) => {
    entries.forEach(function checkEntry(e, i) {
      const def = defs[i];
      if (!def?.checkConfig) return;
      const where = formatPath([...at, i, 'config']);
      try {
        for (const issue of def.checkConfig(e.config ?? {}, { config, at: where, hasModel })) {
          issues.push({ path: issue.path.startsWith(where) ? parsePath(issue.path) : [...at, i, 'config'], message: issue.message });
        }
      } catch (err) {
        issues.push({ path: [...at, i, 'use'], message: `plugin "${e.use}" failed to check its config: ${(err as Error).message}` });
      }
    });
  };
  run(config.pipeline, ['pipeline'], resolved[0] ?? []);
  (config.routes ?? []).forEach((route, r) => run(route.pipeline ?? [], ['routes', r, 'pipeline'], resolved[r + 1] ?? []));
  return issues;
}
