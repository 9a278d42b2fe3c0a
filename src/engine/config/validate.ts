/**
 * The whole check of one config text: parse → interpolate → gateway schema (defaults) →
 * each plugin's schema (defaults) → cross-references → caller's extra checks → PORT →
 * freeze. Every issue found is reported at once, located in the file.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { GatewayConfig, LoadedConfig } from './types.ts';
import { ConfigError, type RawIssue } from './issues.ts';
import { locateIssues } from './locate.ts';
import { parseYaml } from './parse.ts';
import { interpolateTree, isInterpolated, type Env } from './interpolate.ts';
import { getGatewayValidator } from './schema.ts';
import { ajvIssues } from './ajv-issues.ts';
import { checkPluginConfigs, type PipelineAt } from './plugin-configs.ts';
import { semanticIssues } from './semantic.ts';
import { pluginCheckIssues } from './plugin-checks.ts';
import { parsePath } from './paths.ts';
import { deepFreeze } from './freeze.ts';

/** A problem found by a check outside this module (e.g. provider adapters), by path. */
export interface ExtraIssue {
  /** Dotted/bracket path, e.g. `providers.openai.type` or `models[2].model`. */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** Variables for `${VAR}` and PORT; default process.env. */
  env?: Env;
  /** Runs after every built-in check passed; its issues are located and reported alike. */
  extraChecks?: (config: Readonly<GatewayConfig>) => readonly ExtraIssue[] | Promise<readonly ExtraIssue[]>;
}

/**
 * Validate config text as if read from `file` (which names it in errors and anchors
 * `./plugins/x`). `hash` is the sha256 of `bytes` when given, else of the text's UTF-8.
 *
 * @example
 *   const loaded = await validateConfigText('version: 1\n…', 'gateway.yaml', { env: {} });
 *   loaded.config.server.port // 8080
 * @throws ConfigError with every issue found
 */
export async function validateConfigText(text: string, file: string, opts: ValidateOptions & { bytes?: Buffer } = {}): Promise<LoadedConfig> {
  const env = opts.env ?? process.env;
  const dir = path.dirname(path.resolve(file));
  const fail = (raw: readonly RawIssue[]): never => {
    throw new ConfigError(locateIssues(text, file, raw));
  };

  const tree = parseYaml(text, file);
  const interp = interpolateTree(tree, env);
  const validate = getGatewayValidator();
  const schemaOk = validate(tree);
  const issues: RawIssue[] = [...interp.issues, ...(schemaOk ? [] : ajvIssues(validate.errors ?? [], [], tree))];
  // Plugin configs are checked even when the rest is wrong, so one run shows both.
  const plugins = await checkPluginConfigs(findPipelines(tree), dir);
  issues.push(...plugins.issues);
  if (!schemaOk || issues.length) fail(issues);

  const config = tree as GatewayConfig;
  issues.push(...semanticIssues(config, plugins.resolved, (p) => isInterpolated(interp, p)));
  if (issues.length) fail(issues);
  issues.push(...pluginCheckIssues(config, plugins.resolved));
  if (issues.length) fail(issues);
  const extra = (await opts.extraChecks?.(config)) ?? [];
  if (extra.length) fail(extra.map((e) => ({ path: parsePath(e.path), message: e.message })));

  const portIssue = applyPortOverride(config, env);
  if (portIssue) fail([portIssue]);
  const hash = createHash('sha256')
    .update(opts.bytes ?? Buffer.from(text, 'utf8'))
    .digest('hex');
  return { config: deepFreeze(config), hash, file: path.resolve(file), dir };
}

/** Every pipeline in a (possibly malformed) tree: the main one, then each route's, in order. */
function findPipelines(tree: unknown): PipelineAt[] {
  const t = asRecord(tree);
  const out: PipelineAt[] = [{ path: ['pipeline'], entries: asArray(t?.pipeline) }];
  asArray(t?.routes).forEach(function routePipeline(route, r) {
    out.push({ path: ['routes', r, 'pipeline'], entries: asArray(asRecord(route)?.pipeline) });
  });
  return out;
}

/** PORT (a platform's assigned port: Heroku, Cloud Run…) wins over the file. */
function applyPortOverride(config: GatewayConfig, env: Env): RawIssue | undefined {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) {
    return { path: ['server', 'port'], message: 'the PORT environment variable must be an integer from 0 to 65535' };
  }
  config.server.port = port;
  return undefined;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
