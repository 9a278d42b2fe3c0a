/**
 * The whole check of one config: prepare off the event loop (read → parse within limits →
 * interpolate → headers → gateway schema, in the config worker) → each plugin found
 * (contained: module-path.ts) and its config checked → cross-references, route rewrites
 * and exposure → plugins' own checks → the caller's extra checks → PORT → freeze. Every
 * issue found is reported at once, located in the file; only a file that cannot be read
 * as a tree at all (unreadable, over a limit, not YAML) stops at the first problem.
 */
import path from 'node:path';
import type { GatewayConfig, LoadedConfig, ResolvedDefinitions } from './types.ts';
import { ConfigError, type RawIssue } from './issues.ts';
import type { Env } from './interpolate.ts';
import { resolveLimits, type ConfigLimits } from './limits.ts';
import { ConfigWorkerError, prepareOffThread, type ConfigSession } from './off-thread.ts';
import type { PrepareInput } from './prepare.ts';
import { checkPluginConfigs, type PipelineAt } from './plugin-configs.ts';
import { semanticIssues } from './semantic.ts';
import { exposureIssues } from './exposure.ts';
import { pluginCheckIssues } from './plugin-checks.ts';
import { parsePath, type PathSegment } from './paths.ts';
import { deepFreeze } from './freeze.ts';
import { configScope } from '../registry.ts';
import type { PluginDefinition } from '../types.ts';

/** A problem found by a check outside this module (e.g. provider adapters), by path. */
export interface ExtraIssue {
  /** Dotted/bracket path, e.g. `providers.openai.type` or `models[2].model`. */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** Variables for `${VAR}`, PORT and the GATEWAY_CONFIG_* limits; default process.env. */
  env?: Env;
  /**
   * Runs with the built-in checks, even when they found problems (so every issue shows at
   * once): the tree it gets may not match the schema, so read it defensively. Its issues
   * are located and reported alike.
   */
  extraChecks?: (config: Readonly<GatewayConfig>) => readonly ExtraIssue[] | Promise<readonly ExtraIssue[]>;
  /** Overrides of the limits (after the GATEWAY_CONFIG_* variables). */
  limits?: Partial<ConfigLimits>;
}

/**
 * Validate config text as if read from `file` (which names it in errors and anchors
 * `./plugins/x` and `${file:…}`). `hash` is the sha256 of the text's UTF-8.
 *
 * @example
 *   const loaded = await validateConfigText('version: 1\n…', 'gateway.yaml', { env: {} });
 *   loaded.config.server.port // 8080
 * @throws ConfigError with every issue found
 */
export function validateConfigText(text: string, file: string, opts: ValidateOptions = {}): Promise<LoadedConfig> {
  return validateInput({ file, text, env: opts.env ?? process.env, limits: limitsOf(opts) }, opts);
}

/**
 * Read `file` and validate it (the read happens in the config worker too).
 *
 * @throws ConfigError (an unreadable or oversized file too, located at 1:1)
 */
export function validateConfigFile(file: string, opts: ValidateOptions = {}): Promise<LoadedConfig> {
  return validateInput({ file, env: opts.env ?? process.env, limits: limitsOf(opts) }, opts);
}

function limitsOf(opts: ValidateOptions): ConfigLimits {
  return resolveLimits(opts.env ?? process.env, opts.limits);
}

async function validateInput(input: PrepareInput, opts: ValidateOptions): Promise<LoadedConfig> {
  let session: ConfigSession;
  try {
    session = await prepareOffThread(input);
  } catch (err) {
    if (!(err instanceof ConfigWorkerError)) throw err;
    throw new ConfigError([{ file: input.file, line: 1, column: 1, path: '', message: err.message }]);
  }
  try {
    return await check(session, input, opts);
  } finally {
    session.release();
  }
}

async function check(session: ConfigSession, input: PrepareInput, opts: ValidateOptions): Promise<LoadedConfig> {
  const { prepared } = session;
  const fail = async (raw: readonly RawIssue[]): Promise<never> => {
    throw new ConfigError(await session.locate(dedupe(raw)));
  };
  if (prepared.tree === undefined) return fail(prepared.issues);

  const tree = prepared.tree;
  const dir = path.dirname(path.resolve(input.file));
  const interpolated = new Set(prepared.interpolated);
  const fromEnv = (p: readonly PathSegment[]) => interpolated.has(JSON.stringify(p));
  const issues: RawIssue[] = [...prepared.issues];

  const pipelines = findPipelines(tree);
  const plugins = await checkPluginConfigs(pipelines, configScope(tree, dir));
  issues.push(...plugins.issues);
  issues.push(...semanticIssues(tree, plugins.resolved, fromEnv));
  issues.push(...exposureIssues(tree, fromEnv));
  const earlier = issues.length > 0 || prepared.substitution.length > 0;
  issues.push(...pluginCheckIssues(tree, pipelines, plugins.resolved, plugins.configOk, earlier));
  issues.push(...(await extraIssues(tree, opts, earlier)));
  const portIssue = applyPortOverride(tree, input.env);
  if (portIssue) issues.push(portIssue);
  if (issues.length || prepared.substitution.length) return fail([...prepared.substitution, ...besides(prepared.substitution, issues)]);

  return { config: deepFreeze(tree as GatewayConfig), hash: prepared.hash, file: path.resolve(input.file), dir, definitions: definitionsOf(plugins.resolved) };
}

/** The caller's checks; one that throws on a tree with other problems most likely tripped on them. */
async function extraIssues(tree: unknown, opts: ValidateOptions, othersFailed: boolean): Promise<RawIssue[]> {
  try {
    const extra = (await opts.extraChecks?.(tree as GatewayConfig)) ?? [];
    return extra.map((e) => ({ path: parsePath(e.path), message: e.message }));
  } catch (err) {
    if (othersFailed) return [];
    throw err;
  }
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

/** Resolved definitions without gaps: only called once every entry loaded. */
function definitionsOf(resolved: ReadonlyArray<ReadonlyArray<PluginDefinition | undefined>>): ResolvedDefinitions {
  const [main = [], ...routes] = resolved.map((p) => p.map((d) => d!));
  return { pipeline: main, routes };
}

/** PORT (a platform's assigned port: Heroku, Cloud Run…) wins over the file. */
function applyPortOverride(tree: unknown, env: Env): RawIssue | undefined {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) {
    return { path: ['server', 'port'], message: 'the PORT environment variable must be an integer from 0 to 65535' };
  }
  const server = asRecord(asRecord(tree)?.server);
  if (server) server.port = port;
  return undefined;
}

/**
 * `issues` without those at a path whose `${…}` failed: an unset variable leaves '' behind,
 * which the schema or a reference check then also refuses. Say it once.
 */
function besides(substitution: readonly RawIssue[], issues: readonly RawIssue[]): RawIssue[] {
  const unresolved = new Set(substitution.map((i) => JSON.stringify(i.path)));
  return unresolved.size ? issues.filter((i) => !unresolved.has(JSON.stringify(i.path))) : [...issues];
}

function dedupe(issues: readonly RawIssue[]): RawIssue[] {
  const seen = new Set<string>();
  return issues.filter(function firstOnly(i) {
    const key = JSON.stringify([i.path, i.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
