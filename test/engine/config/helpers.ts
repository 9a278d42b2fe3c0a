/** Shared helpers for config tests: configs are validated as if they sat in fixtures/. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, validateConfigText, type ConfigIssue, type LoadedConfig, type ValidateOptions } from '../../../src/engine/config/index.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** A config file name inside fixtures/, so `./plugins/x` resolves to the fixture plugins. */
export const FILE = path.join(FIXTURES, 'gateway.yaml');

/** The smallest valid config, with fixture plugins standing in for built-ins. */
export const MINIMAL = `version: 1
providers:
  local: { type: mock }
models:
  - name: m
    provider: local
    model: m
pipeline:
  - use: ./plugins/limit
  - use: ./plugins/terminal
`;

export function validate(text: string, opts: ValidateOptions = {}): Promise<LoadedConfig> {
  return validateConfigText(text, FILE, { env: {}, ...opts });
}

/** Validate text expected to be invalid; returns its issues. */
export async function issuesOf(text: string, opts: ValidateOptions = {}): Promise<readonly ConfigIssue[]> {
  try {
    await validate(text, opts);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail('expected the config to be rejected');
}

/** Issues as printed, with the fixture directory removed so assertions stay short. */
export async function linesOf(text: string, opts: ValidateOptions = {}): Promise<string[]> {
  const issues = await issuesOf(text, opts);
  return issues.map((i) => `${path.basename(i.file)}:${i.line}:${i.column} ${i.path}: ${i.message}`);
}
