/**
 * Finds plugin definitions by their `use` name. Built-ins register exactly as
 * third-party plugins do: a module whose default export is a PluginDefinition.
 * `use: metrics` → built-in; `use: ./plugins/x` → relative to the config file's folder;
 * anything else → an installed package.
 */
import { BUILTIN_PLUGINS } from '../plugins-builtin/index.ts';
import { ENGINE_API_VERSION, type PluginDefinition } from './types.ts';
import { satisfiesMajor } from './semver.ts';
import { localModuleUrl } from './module-path.ts';

export class PluginLoadError extends Error {
  constructor(
    readonly use: string,
    message: string,
  ) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

const cache = new Map<string, Promise<PluginDefinition>>();

export function isBuiltin(use: string): boolean {
  return Object.hasOwn(BUILTIN_PLUGINS, use);
}

/** Where a `use` points; the cache key and what errors name. */
export function resolveSpecifier(use: string, configDir: string): string {
  if (isBuiltin(use)) return `builtin:${use}`;
  return localModuleUrl(use, configDir) ?? use;
}

/** Load (once) and check a plugin definition. Reload re-uses loaded modules. */
export function loadPlugin(use: string, configDir: string): Promise<PluginDefinition> {
  const spec = resolveSpecifier(use, configDir);
  let p = cache.get(spec);
  if (!p) {
    p = importDefinition(use, spec);
    cache.set(spec, p);
    p.catch(() => cache.delete(spec));
  }
  return p;
}

async function importDefinition(use: string, spec: string): Promise<PluginDefinition> {
  let mod: { default?: unknown };
  try {
    mod = spec.startsWith('builtin:') ? await BUILTIN_PLUGINS[use]!() : await import(spec);
  } catch (err) {
    throw new PluginLoadError(use, `cannot load plugin "${use}": ${(err as Error).message}`);
  }
  const def = mod.default as PluginDefinition | undefined;
  if (!def || typeof def !== 'object' || typeof def.create !== 'function' || typeof def.name !== 'string') {
    throw new PluginLoadError(use, `plugin "${use}" must default-export a PluginDefinition (name, version, engine, configSchema, create)`);
  }
  if (!def.configSchema || typeof def.configSchema !== 'object') {
    throw new PluginLoadError(use, `plugin "${use}" has no configSchema`);
  }
  if (!satisfiesMajor(ENGINE_API_VERSION, def.engine)) {
    throw new PluginLoadError(use, `plugin "${use}" needs engine ${def.engine}, this gateway has ${ENGINE_API_VERSION}`);
  }
  return def;
}
