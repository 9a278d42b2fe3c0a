/**
 * Provider adapters by `providers.<name>.type`. A type starting with `./` (or an absolute
 * path, or a package name containing '/') loads a third-party adapter module whose
 * default export is a ProviderAdapterDefinition, resolved against the config folder.
 */
import type { ProviderAdapterDefinition } from '../../../engine/types.ts';
import { localModuleUrl } from '../../../engine/module-path.ts';

export const BUILTIN_ADAPTERS: Record<string, () => Promise<{ default: ProviderAdapterDefinition }>> = {
  mock: () => import('./mock/index.ts'),
  openai: () => import('./openai/index.ts'),
  anthropic: () => import('./anthropic/index.ts'),
  cohere: () => import('./cohere/index.ts'),
  gemini: () => import('./gemini/index.ts'),
  'azure-openai': () => import('./azure-openai/index.ts'),
  huggingface: () => import('./huggingface/index.ts'),
};

const cache = new Map<string, Promise<ProviderAdapterDefinition>>();

export function isBuiltinAdapter(type: string): boolean {
  return Object.hasOwn(BUILTIN_ADAPTERS, type);
}

/** Load an adapter definition once; throws an Error naming the type when it cannot. */
export function loadAdapter(type: string, configDir: string): Promise<ProviderAdapterDefinition> {
  const key = `${configDir}\0${type}`;
  let p = cache.get(key);
  if (!p) {
    p = importAdapter(type, configDir);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function importAdapter(type: string, configDir: string): Promise<ProviderAdapterDefinition> {
  let mod: { default?: ProviderAdapterDefinition };
  const local = localModuleUrl(type, configDir);
  if (isBuiltinAdapter(type)) mod = await BUILTIN_ADAPTERS[type]!();
  else if (local) mod = await import(local);
  else {
    throw new Error(`unknown provider type "${type}" (built-in: ${Object.keys(BUILTIN_ADAPTERS).join(', ')}; or ./plugins/<adapter>)`);
  }
  const def = mod.default;
  if (!def || typeof def.create !== 'function' || typeof def.type !== 'string') {
    throw new Error(`provider adapter "${type}" must default-export a ProviderAdapterDefinition`);
  }
  return def;
}
