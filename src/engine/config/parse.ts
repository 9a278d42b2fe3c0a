/**
 * YAML text → plain tree, with js-yaml. The core schema keeps values JSON-shaped (no Date
 * from `2024-01-01`, no binary), which is what the JSON Schema expects. Aliases come back
 * as shared objects: tree.ts expands them within the limits.
 */
import yaml from 'js-yaml';
import type { RawIssue } from './issues.ts';

/**
 * Parse `text`; a syntax error comes back as an issue at js-yaml's mark.
 *
 * @example
 *   parseYamlTree('version: 1\n') // { tree: { version: 1 } }
 *   parseYamlTree('a: [1\n')      // { error: { path: [], pos: { line: 2, column: 1 }, message: 'YAML syntax error: unexpected end of the stream…' } }
 */
export function parseYamlTree(text: string): { tree?: unknown; error?: RawIssue } {
  try {
    return { tree: yaml.load(text, { schema: yaml.CORE_SCHEMA, json: false }) };
  } catch (err) {
    // Nesting deep enough to exhaust the parser's stack.
    if (err instanceof RangeError) return { error: { path: [], message: 'nested too deeply to parse' } };
    if (!(err instanceof yaml.YAMLException)) throw err;
    // `reason` alone: `message` appends a source snippet, and the file is already named.
    const mark = err.mark as { line?: number; column?: number } | undefined;
    return { error: { path: [], pos: { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 }, message: `YAML syntax error: ${err.reason}` } };
  }
}
