/**
 * The config subsystem's public API: load (off the event loop, within limits), validate,
 * watch, and the types of a validated `gateway.yaml`.
 *
 * @example
 *   import { loadConfig, watchConfig, ConfigError } from './engine/config/index.ts';
 *   const loaded = await loadConfig('gateway.yaml');
 *   const watcher = watchConfig('gateway.yaml', () => reload());
 */
export type * from './types.ts';
export { loadConfig } from './load.ts';
// `validateConfig` is the same function under the name the issue gives the extraChecks hook.
export { validateConfigText, validateConfigText as validateConfig, validateConfigFile, type ValidateOptions, type ExtraIssue } from './validate.ts';
export { DEFAULT_LIMITS, LIMIT_VARIABLES, resolveLimits, type ConfigLimits } from './limits.ts';
export { ConfigError, formatIssues, type ConfigIssue } from './issues.ts';
export { deepFreeze } from './freeze.ts';
export { watchConfig, type ConfigWatcher, type WatchOptions } from './watch.ts';
export { runValidate } from './cli-validate.ts';
