/**
 * `llm-gateway validate <file>`: the checks a reload runs (plugins loaded, their schemas
 * applied), without starting anything. Exit code 0 when valid, 1 when not.
 */
import { loadConfig } from './load.ts';
import { ConfigError } from './issues.ts';
import type { ValidateOptions } from './validate.ts';

export interface ValidateOutput {
  log(line: string): void;
  error(line: string): void;
}

/**
 * @param opts the same `env` / `extraChecks` a reload uses, so both accept the same files
 * @example
 *   process.exitCode = await runValidate('gateway.yaml', console);
 *   // gateway.yaml:14:7 pipeline[3].config.rpm: must be integer
 */
export async function runValidate(file: string, out: ValidateOutput, opts: ValidateOptions = {}): Promise<number> {
  try {
    const { config, hash } = await loadConfig(file, opts);
    out.log(`${file}: valid (${config.models.length} models, ${config.pipeline.length} pipeline plugins, sha256 ${hash.slice(0, 12)})`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.message.split('\n')) out.error(issue);
    out.error(`${file}: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}`);
    return 1;
  }
}
