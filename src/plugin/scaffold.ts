/**
 * `llm-gateway plugin new <name>`: writes plugins/<name>/ (index.ts, schema.json, a test,
 * README.md) under a project folder, from templates.ts. It refuses a name that would not
 * make a clean folder, package and metric name, and never writes into a folder that
 * exists: creating the folder is the check, so two runs cannot both succeed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ENGINE_API_VERSION } from '../engine/types.ts';
import { indexTs, readmeMd, schemaJson, testTs, type TemplateVars } from './templates.ts';

/** Lower-case words of letters and digits joined by single hyphens, starting with a letter. */
const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME = 50;

/** A request the scaffold will not carry out; the message says why and what would do. */
export class ScaffoldRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldRefusal';
  }
}

/** Why `name` cannot be a plugin's name, or undefined when it can. */
export function badPluginName(name: string): string | undefined {
  if (name.length > MAX_NAME) return `plugin name "${name.slice(0, MAX_NAME)}…" is too long (at most ${MAX_NAME} characters)`;
  if (!NAME.test(name)) {
    return `plugin name "${name}" is not valid: use lower-case letters, digits and single hyphens, starting with a letter (e.g. "request-tagger")`;
  }
  return undefined;
}

export interface Scaffolded {
  /** The folder written, absolute. */
  dir: string;
  /** The files written, relative to the project folder. */
  files: string[];
}

/**
 * @param projectDir the folder whose plugins/ gets the new plugin (the config file's folder)
 * @example
 *   await scaffoldPlugin('my-plugin', process.cwd()) // { dir: '/srv/gw/plugins/my-plugin', files: ['plugins/my-plugin/index.ts', …] }
 * @throws ScaffoldRefusal (a bad name, an existing folder)
 */
export async function scaffoldPlugin(name: string, projectDir: string): Promise<Scaffolded> {
  const bad = badPluginName(name);
  if (bad) throw new ScaffoldRefusal(bad);
  const root = path.resolve(projectDir);
  const dir = path.join(root, 'plugins', name);
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ScaffoldRefusal(`plugins/${name} already exists; choose another name, or move that folder away first`);
    }
    throw err;
  }
  const vars: TemplateVars = { name, engine: `^${ENGINE_API_VERSION.split('.')[0]}.0.0` };
  const files: Array<[string, string]> = [
    ['index.ts', indexTs(vars)],
    ['schema.json', schemaJson(vars)],
    ['index.test.ts', testTs(vars)],
    ['README.md', readmeMd(vars)],
  ];
  try {
    for (const [file, text] of files) await writeFile(path.join(dir, file), text, { flag: 'wx' });
  } catch (err) {
    // Half a plugin is worse than none: the folder was ours, take it away again.
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, files: files.map(([file]) => path.posix.join('plugins', name, file)) };
}
