/**
 * The built-in provider adapters, by `providers.<name>.type`. Loaded lazily, through the
 * engine's registry (src/engine/registry.ts), which also loads third-party adapters
 * (`type: ./plugins/<adapter>` or an installed package) under the same rules as plugins.
 */
import type { ProviderAdapterDefinition } from '../../../engine/types.ts';

export const BUILTIN_ADAPTERS: Record<string, () => Promise<{ default: ProviderAdapterDefinition }>> = {
  mock: () => import('./mock/index.ts'),
  openai: () => import('./openai/index.ts'),
  anthropic: () => import('./anthropic/index.ts'),
  cohere: () => import('./cohere/index.ts'),
  gemini: () => import('./gemini/index.ts'),
  'azure-openai': () => import('./azure-openai/index.ts'),
  huggingface: () => import('./huggingface/index.ts'),
};
