/**
 * The one registry of modules the config names: pipeline plugins (`use:`) and provider
 * adapters (`type:`). Both are found the same way (module-path.ts: built-in, a path in a
 * plugin root, an installed package — nothing else, and nothing runs before that is
 * settled), loaded once per file (reloads re-use them), checked against their contract,
 * and fail with the same kind of message. Built-ins register exactly as third-party
 * modules do: a module whose default export is the definition.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILTIN_PLUGINS } from '../plugins-builtin/index.ts';
import { BUILTIN_ADAPTERS } from '../plugins-builtin/provider/adapters/index.ts';
import { ENGINE_API_VERSION, type PluginDefinition, type ProviderAdapterDefinition } from './types.ts';
import { satisfies, SemverRangeError } from './semver.ts';
import { locateModule, moduleScope, ModuleRefusal, type ModuleScope } from './module-path.ts';

export { moduleScope, type ModuleScope } from './module-path.ts';

/**
 * Where a config's modules may come from: its folder, and its `plugins.roots` when that is
 * a list of strings (a malformed one is the schema's to report; the default applies).
 *
 * @example
 *   configScope(loaded.config, loaded.dir) // { configDir: '/etc/gateway', roots: ['/etc/gateway/plugins'] }
 */
export function configScope(config: unknown, configDir: string): ModuleScope {
  const plugins = (config as { plugins?: { roots?: unknown } } | null)?.plugins;
  const roots = plugins !== null && typeof plugins === 'object' ? plugins.roots : undefined;
  return moduleScope(configDir, Array.isArray(roots) && roots.every((r) => typeof r === 'string') ? roots : undefined);
}

/** A module that cannot be used; the message names it as the config wrote it. */
export class ModuleLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModuleLoadError';
  }
}

interface Kind<T> {
  id: 'plugin' | 'adapter';
  noun: string;
  builtins: Readonly<Record<string, () => Promise<{ default?: unknown }>>>;
  /** The definition if it keeps the contract; else throws ModuleLoadError. */
  check(def: unknown, name: string): T;
}

const PLUGINS: Kind<PluginDefinition> = {
  id: 'plugin',
  noun: 'plugin',
  builtins: BUILTIN_PLUGINS,
  check: checkPlugin,
};

const ADAPTERS: Kind<ProviderAdapterDefinition> = {
  id: 'adapter',
  noun: 'provider type',
  builtins: BUILTIN_ADAPTERS,
  check: checkAdapter,
};

const cache = new Map<string, Promise<unknown>>();

/**
 * @example
 *   const def = await loadPlugin('./plugins/request-tagger', moduleScope(configDir));
 * @throws ModuleLoadError (refused name, failed import, broken contract)
 */
export function loadPlugin(use: string, scope: ModuleScope): Promise<PluginDefinition> {
  return load(PLUGINS, use, scope);
}

/**
 * @example
 *   const adapter = await loadAdapter('openai', moduleScope(configDir));
 * @throws ModuleLoadError
 */
export function loadAdapter(type: string, scope: ModuleScope): Promise<ProviderAdapterDefinition> {
  return load(ADAPTERS, type, scope);
}

async function load<T>(kind: Kind<T>, name: string, scope: ModuleScope): Promise<T> {
  let key: string;
  let importer: () => Promise<{ default?: unknown }>;
  try {
    const where = await locateModule(name, scope, { noun: kind.noun, builtins: Object.keys(kind.builtins) });
    if (where.kind === 'builtin') {
      key = `${kind.id}:builtin:${name}`;
      importer = kind.builtins[name]!;
    } else {
      key = `${kind.id}:${where.url}`;
      importer = () => import(where.url) as Promise<{ default?: unknown }>;
    }
  } catch (err) {
    if (err instanceof ModuleRefusal) throw new ModuleLoadError(err.message);
    throw err;
  }
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = importChecked(kind, name, importer, scope);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function importChecked<T>(kind: Kind<T>, name: string, importer: () => Promise<{ default?: unknown }>, scope: ModuleScope): Promise<T> {
  let mod: { default?: unknown };
  try {
    mod = await importer();
  } catch (err) {
    throw new ModuleLoadError(`cannot load ${kind.noun} "${name}": ${withoutGatewayPaths((err as Error).message, scope)}`);
  }
  return kind.check(mod.default, name);
}

function checkPlugin(value: unknown, use: string): PluginDefinition {
  const def = value as PluginDefinition | undefined;
  if (!def || typeof def !== 'object' || typeof def.create !== 'function' || typeof def.name !== 'string') {
    throw new ModuleLoadError(`plugin "${use}" must default-export a PluginDefinition (name, version, engine, configSchema, create)`);
  }
  if (!def.configSchema || typeof def.configSchema !== 'object') throw new ModuleLoadError(`plugin "${use}" has no configSchema`);
  if (typeof def.engine !== 'string' || def.engine.trim() === '') {
    throw new ModuleLoadError(`plugin "${use}" declares no engine range (the plugin API versions it supports, e.g. "^1.0.0")`);
  }
  let ok: boolean;
  try {
    ok = satisfies(ENGINE_API_VERSION, def.engine);
  } catch (err) {
    if (!(err instanceof SemverRangeError)) throw err;
    throw new ModuleLoadError(`plugin "${use}" declares engine "${def.engine}", which is not a semver range (write e.g. ^1.0.0, >=1.2 <3, 1.x)`);
  }
  if (!ok) throw new ModuleLoadError(`plugin "${use}" needs plugin API ${def.engine}; this gateway provides ${ENGINE_API_VERSION}`);
  return def;
}

function checkAdapter(value: unknown, type: string): ProviderAdapterDefinition {
  const def = value as ProviderAdapterDefinition | undefined;
  if (!def || typeof def !== 'object' || typeof def.create !== 'function' || typeof def.type !== 'string') {
    throw new ModuleLoadError(`provider type "${type}" must default-export a ProviderAdapterDefinition (type, defaultCapabilities, create)`);
  }
  return def;
}

/** The gateway's own folder: import errors may name it, messages must not. */
const GATEWAY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** An import error's message with the config folder shown as `.` and the gateway's own as `<gateway>`. */
function withoutGatewayPaths(message: string, scope: ModuleScope): string {
  const swap = (text: string, dir: string, label: string) =>
    text
      .split(pathToFileURL(dir).href + '/')
      .join(`${label}/`)
      .split(dir.endsWith(path.sep) ? dir : dir + path.sep)
      .join(`${label}/`);
  return swap(swap(message, scope.configDir, '.'), GATEWAY_ROOT.replace(/[\\/]$/, ''), '<gateway>');
}
