/**
 * Each pipeline entry's `checkConfig` (the plugin's own checks beyond its schema), run for
 * every entry whose config passed its plugin's schema — even when other parts of the file
 * have problems, so one run shows them all. A plugin's issue names a full config path,
 * located in the file like any other issue. A checkConfig that throws is reported at the
 * entry's `use` (fail closed) — unless other problems were found, which it most likely
 * tripped on.
 */
import type { GatewayConfig, PipelineEntry } from './types.ts';
import type { RawIssue } from './issues.ts';
import type { PipelineAt, ResolvedPipeline } from './plugin-configs.ts';
import { formatPath, parsePath } from './paths.ts';

/**
 * @param resolved plugin definitions of each pipeline, as returned by checkPluginConfigs
 * @param configOk per entry, whether its config passed its schema
 * @param othersFailed whether problems were already found elsewhere
 * @example
 *   issues.push(...pluginCheckIssues(tree, pipelines, plugins.resolved, plugins.configOk, issues.length > 0));
 */
export function pluginCheckIssues(
  tree: unknown,
  pipelines: readonly PipelineAt[],
  resolved: readonly ResolvedPipeline[],
  configOk: readonly boolean[][],
  othersFailed: boolean,
): RawIssue[] {
  const issues: RawIssue[] = [];
  const config = tree as GatewayConfig;
  const models = Array.isArray(config?.models) ? config.models : [];
  const names = new Set(models.map((m) => (m !== null && typeof m === 'object' ? m.name : undefined)));
  const hasModel = (name: string) => names.has(name);
  pipelines.forEach(function runPipeline(p, k) {
    p.entries.forEach(function checkEntry(raw, i) {
      const def = resolved[k]?.[i];
      if (!def?.checkConfig || !configOk[k]?.[i]) return;
      const e = raw as PipelineEntry;
      const where = formatPath([...p.path, i, 'config']);
      try {
        for (const issue of def.checkConfig(e.config ?? {}, { config, at: where, hasModel })) {
          issues.push({ path: issue.path.startsWith(where) ? parsePath(issue.path) : [...p.path, i, 'config'], message: issue.message });
        }
      } catch (err) {
        if (!othersFailed) issues.push({ path: [...p.path, i, 'use'], message: `plugin "${e.use}" failed to check its config: ${(err as Error).message}` });
      }
    });
  });
  return issues;
}
