/**
 * Each pipeline entry's `config` against its plugin's own schema (the top-level pipeline
 * and every route's). Plugins load through the registry, as the engine will load them —
 * a name outside what the registry accepts is refused before any code runs; a plugin
 * that cannot load is reported at its `use` line.
 */
import type { ValidateFunction } from 'ajv';
import { loadPlugin, type ModuleScope } from '../registry.ts';
import type { PluginDefinition } from '../types.ts';
import { ajvIssues } from './ajv-issues.ts';
import { createAjv } from './schema.ts';
import type { RawIssue } from './issues.ts';
import type { PathSegment } from './paths.ts';

/** A pipeline as found in the tree, with where it sits (`['pipeline']`, `['routes', 2, 'pipeline']`). */
export interface PipelineAt {
  path: PathSegment[];
  entries: unknown[];
}

/** Per entry: its definition, or undefined when it did not load. Same order as `entries`. */
export type ResolvedPipeline = Array<PluginDefinition | undefined>;

// Plugin schemas are other people's: unknown keywords are still errors (typos), but loose
// typing is tolerated, and `$id`s are not registered (two generations may compile the same).
const pluginAjv = createAjv({ strictSchema: true, strictTypes: false, strictTuples: false, addUsedSchema: false, logger: false });
const compiled = new WeakMap<PluginDefinition, ValidateFunction | Error>();

export interface PluginConfigsResult {
  issues: RawIssue[];
  resolved: ResolvedPipeline[];
  /** Per entry: whether its config passed its plugin's schema (so its checkConfig may run). */
  configOk: boolean[][];
}

/**
 * Load every entry's plugin and validate (and default) its config in place.
 *
 * @example
 *   const { issues, resolved } = await checkPluginConfigs([{ path: ['pipeline'], entries: tree.pipeline }], moduleScope(dir));
 */
export async function checkPluginConfigs(pipelines: readonly PipelineAt[], scope: ModuleScope): Promise<PluginConfigsResult> {
  const issues: RawIssue[] = [];
  const checked = await Promise.all(
    pipelines.map(function checkPipeline(p) {
      return Promise.all(p.entries.map((entry, i) => checkEntry(entry, [...p.path, i], scope, issues)));
    }),
  );
  return { issues, resolved: checked.map((p) => p.map((e) => e.def)), configOk: checked.map((p) => p.map((e) => e.configOk)) };
}

async function checkEntry(entry: unknown, at: PathSegment[], scope: ModuleScope, issues: RawIssue[]): Promise<{ def?: PluginDefinition; configOk: boolean }> {
  // A malformed entry was already reported by the gateway schema.
  if (entry === null || typeof entry !== 'object') return { configOk: false };
  const e = entry as { use?: unknown; config?: unknown };
  if (typeof e.use !== 'string' || e.use === '') return { configOk: false };
  let def: PluginDefinition;
  try {
    def = await loadPlugin(e.use, scope);
  } catch (err) {
    issues.push({ path: [...at, 'use'], message: (err as Error).message });
    return { configOk: false };
  }
  if (e.config === undefined) e.config = {};
  if (e.config === null || typeof e.config !== 'object' || Array.isArray(e.config)) return { def, configOk: false };
  const validate = compilePluginSchema(def);
  if (validate instanceof Error) {
    issues.push({ path: [...at, 'use'], message: `plugin "${e.use}" has an invalid configSchema: ${validate.message}` });
    return { def, configOk: false };
  }
  if (!validate(e.config)) {
    issues.push(...ajvIssues(validate.errors ?? [], [...at, 'config'], e.config));
    return { def, configOk: false };
  }
  return { def, configOk: true };
}

/** Compile once per definition object; a reload that re-uses the module re-uses this. */
function compilePluginSchema(def: PluginDefinition): ValidateFunction | Error {
  let v = compiled.get(def);
  if (!v) {
    try {
      v = pluginAjv.compile(withoutMetaSchema(def.configSchema));
    } catch (err) {
      v = err as Error;
    }
    compiled.set(def, v);
  }
  return v;
}

// A `$schema` naming a draft this ajv instance lacks (2020-12) would fail to compile the
// whole schema; the keywords config schemas use in practice mean the same in both drafts.
function withoutMetaSchema(schema: Record<string, unknown>): Record<string, unknown> {
  if (!('$schema' in schema)) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}
