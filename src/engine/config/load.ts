/**
 * Read a config file and validate it. The file's exact bytes are hashed, so the hash
 * tells whether a reload changed anything, and no secret is hashed in (interpolation
 * happens after).
 */
import { readFile } from 'node:fs/promises';
import type { LoadedConfig } from './types.ts';
import { ConfigError } from './issues.ts';
import { validateConfigText, type ValidateOptions } from './validate.ts';

/**
 * @example
 *   const { config, hash } = await loadConfig(process.env.GATEWAY_CONFIG ?? 'gateway.yaml');
 * @throws ConfigError (an unreadable file too, located at 1:1)
 */
export async function loadConfig(file: string, opts: ValidateOptions = {}): Promise<LoadedConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: `cannot read the file (${code})` }]);
  }
  return validateConfigText(bytes.toString('utf8'), file, { ...opts, bytes });
}
