/**
 * The part of loading a config that a hostile file could make slow or large — reading,
 * YAML parsing, alias expansion, `${…}` substitution (secret files included), header
 * checks and the gateway schema — as one pure step that runs in the config worker
 * (worker.ts), within the limits. What comes out is a plain, bounded tree, cheap to hand
 * to the event loop for the checks that need loaded plugins.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { RawIssue } from './issues.ts';
import { parseYamlTree } from './parse.ts';
import { copyWithinLimits } from './tree.ts';
import { interpolateTree, type Env } from './interpolate.ts';
import { headerIssues } from './headers.ts';
import { getGatewayValidator } from './schema.ts';
import { ajvIssues } from './ajv-issues.ts';
import { overLimit, type ConfigLimits } from './limits.ts';

export interface PrepareInput {
  /** The file as named (in messages; `${file:…}` paths resolve against its folder). */
  file: string;
  /** The text, when the caller has it; else the file is read here. */
  text?: string;
  env: Env;
  limits: ConfigLimits;
}

export interface PreparedConfig {
  /** The interpolated, defaulted tree; undefined when the file could not be used at all. */
  tree: unknown;
  /** JSON-encoded paths whose value came from the environment or a secret file. */
  interpolated: string[];
  /** `${VAR}` / `${file:}` that could not be substituted. */
  substitution: RawIssue[];
  /** Every other problem found here. */
  issues: RawIssue[];
  /** Whether the gateway schema accepted the tree. */
  schemaOk: boolean;
  /** sha256 of the file's bytes (before substitution: no secret is hashed in). */
  hash: string;
  /** The text, kept in the worker for locating issues; never sent back. */
  text: string;
}

/**
 * @example
 *   const p = prepareConfig({ file: 'gateway.yaml', env: process.env, limits: resolveLimits(process.env) });
 *   if (p.tree === undefined) … // p.issues says why (unreadable, too large, not YAML, too many nodes)
 */
export function prepareConfig(input: PrepareInput): PreparedConfig {
  const { limits } = input;
  let bytes: Buffer;
  if (input.text !== undefined) {
    bytes = Buffer.from(input.text, 'utf8');
    if (bytes.length > limits.maxBytes) return refused('', bytes, tooLarge(bytes.length, limits));
  } else {
    const read = readBounded(input.file, limits);
    if (typeof read === 'string') return refused('', Buffer.alloc(0), read);
    bytes = read;
  }
  const text = input.text ?? bytes.toString('utf8');
  const parsed = parseYamlTree(text);
  if (parsed.error) return { ...refused(text, bytes, ''), issues: [parsed.error] };
  const copied = copyWithinLimits(parsed.tree, limits);
  if (copied.fatal) return { ...refused(text, bytes, ''), issues: [copied.fatal] };

  const tree = copied.tree;
  const interp = interpolateTree(tree, input.env, { configDir: path.dirname(path.resolve(input.file)), maxStringChars: limits.maxStringChars });
  const validate = getGatewayValidator();
  const schemaOk = validate(tree);
  const schemaIssues = schemaOk ? [] : ajvIssues(validate.errors ?? [], [], tree);
  return {
    tree,
    interpolated: [...interp.interpolated],
    substitution: interp.issues,
    issues: [...copied.issues, ...headerIssues(tree, limits), ...schemaIssues],
    schemaOk,
    hash: sha256(bytes),
    text,
  };
}

function refused(text: string, bytes: Buffer, message: string): PreparedConfig {
  return { tree: undefined, interpolated: [], substitution: [], issues: message ? [{ path: [], message }] : [], schemaOk: false, hash: sha256(bytes), text };
}

function tooLarge(size: number, limits: ConfigLimits): string {
  return `the file is ${size.toLocaleString('en-US')} bytes; ${overLimit('maxBytes', limits, ' bytes')}`;
}

/** The file's bytes, or why not: its size is checked before anything is read into memory. */
function readBounded(file: string, limits: ConfigLimits): Buffer | string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > limits.maxBytes) return tooLarge(size, limits);
    // One byte more than allowed: a file that grew since fstat is still caught.
    const buf = Buffer.alloc(Math.min(size, limits.maxBytes) + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    if (n > limits.maxBytes) return tooLarge(n, limits);
    return buf.subarray(0, n);
  } catch (err) {
    return `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
