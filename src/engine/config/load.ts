/**
 * Read a config file and validate it. The file is read in the config worker, its size
 * checked before its bytes are, and its exact bytes hashed, so the hash tells whether a
 * reload changed anything, and no secret is hashed in (interpolation happens after).
 */
import type { LoadedConfig } from './types.ts';
import { validateConfigFile, type ValidateOptions } from './validate.ts';

/**
 * @example
 *   const { config, hash } = await loadConfig(process.env.GATEWAY_CONFIG ?? 'gateway.yaml');
 * @throws ConfigError (an unreadable or oversized file too, located at 1:1)
 */
export function loadConfig(file: string, opts: ValidateOptions = {}): Promise<LoadedConfig> {
  return validateConfigFile(file, opts);
}
