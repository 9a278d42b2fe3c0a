/**
 * YAML text → plain tree, with js-yaml. The core schema keeps values JSON-shaped (no Date
 * from `2024-01-01`, no binary), which is what the JSON Schema expects.
 */
import yaml from 'js-yaml';
import { ConfigError } from './issues.ts';

/**
 * Parse `text`; a syntax error becomes a ConfigError located by js-yaml's mark.
 *
 * @example
 *   parseYaml('version: 1\n', 'gateway.yaml') // { version: 1 }
 *   parseYaml('a: [1\n', 'gateway.yaml')     // throws ConfigError 'gateway.yaml:2:1: unexpected end of the stream…'
 */
export function parseYaml(text: string, file: string): unknown {
  try {
    return yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA, json: false });
  } catch (err) {
    if (!(err instanceof yaml.YAMLException)) throw err;
    // `reason` alone: `message` appends a source snippet, and the file is already named.
    const mark = err.mark as { line?: number; column?: number } | undefined;
    throw new ConfigError([
      {
        file,
        line: (mark?.line ?? 0) + 1,
        column: (mark?.column ?? 0) + 1,
        path: '',
        message: `YAML syntax error: ${err.reason}`,
      },
    ]);
  }
}
