/**
 * Where a config-named module lives: `./x`, `../x` or an absolute path resolves against the
 * config file's folder (a folder means its index.ts, or its index.js when it has no index.ts:
 * the production build runs on plain node, which loads JavaScript only); anything else is
 * not a local path.
 * Plugins (`use:`) and provider adapters (`type:`) both name modules this way.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function localModuleUrl(spec: string, configDir: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../') && !path.isAbsolute(spec)) return undefined;
  const abs = path.resolve(configDir, spec);
  if (/\.[cm]?[jt]s$/.test(abs)) return pathToFileURL(abs).href;
  const ts = path.join(abs, 'index.ts');
  return pathToFileURL(existsSync(ts) ? ts : path.join(abs, 'index.js')).href;
}
