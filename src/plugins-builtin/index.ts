/**
 * The built-in plugins, by `use` name. Loaded lazily: a pipeline pays only for the
 * plugins it names. Each module default-exports a PluginDefinition, the same contract a
 * third-party plugin in plugins/ follows.
 */
export const BUILTIN_PLUGINS: Record<string, () => Promise<{ default?: unknown }>> = {
  provider: () => import('./provider/index.ts'),
  metrics: () => import('./metrics/index.ts'),
  validation: () => import('./validation/index.ts'),
  auth: () => import('./auth/index.ts'),
  'rate-limit': () => import('./rate-limit/index.ts'),
  budget: () => import('./budget/index.ts'),
  audit: () => import('./audit/index.ts'),
  router: () => import('./router/index.ts'),
  tracing: () => import('./tracing/index.ts'),
  'content-filter': () => import('./content-filter/index.ts'),
  transform: () => import('./transform/index.ts'),
  'semantic-cache': () => import('./semantic-cache/index.ts'),
};
