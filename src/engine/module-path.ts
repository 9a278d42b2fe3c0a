/**
 * Where a config-named module lives: `./x`, `../x` or an absolute path resolves against the
 * config file's folder (a folder means its index.ts); anything else is not a local path.
 * Plugins (`use:`) and provider adapters (`type:`) both name modules this way.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function localModuleUrl(spec: string, configDir: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../') && !path.isAbsolute(spec)) return undefined;
  const abs = path.resolve(configDir, spec);
  return pathToFileURL(/\.[cm]?[jt]s$/.test(abs) ? abs : path.join(abs, 'index.ts')).href;
}
