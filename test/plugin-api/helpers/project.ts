/**
 * Temp projects the way a user has them: an ESM package.json, a node_modules with
 * `llm-gateway` in it — linked to this checkout (source mode: resolved through the
 * `llm-gateway-source` condition, as tests here run) or installed from the tarball
 * `npm pack` makes of a real build (published mode: dist/ and .d.ts only) — and plugin
 * packages of its own.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BIN = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

/** A fresh folder with `{"type": "module"}` (and `extra` in its package.json). */
export function makeProject(prefix: string, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gw-${prefix}-`));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `${prefix}-project`, private: true, type: 'module', ...extra }, null, 2));
  mkdirSync(path.join(dir, 'node_modules'));
  return dir;
}

/** node_modules/<name> → a folder of this checkout's node_modules (tsx, mocha types…). */
export function linkDependency(project: string, name: string): void {
  const target = path.join(project, 'node_modules', name);
  mkdirSync(path.dirname(target), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules', name), target, 'dir');
}

/** node_modules/llm-gateway → this checkout, as `npm link` would make it. */
export function linkSourcePackage(project: string): void {
  symlinkSync(ROOT, path.join(project, 'node_modules/llm-gateway'), 'dir');
}

export interface PluginPackage {
  name: string;
  /** Files by path inside the package (package.json is written from `manifest`). */
  files: Record<string, string>;
  manifest: Record<string, unknown>;
}

/** A real folder node_modules/<name> with its package.json and files. */
export function writePluginPackage(project: string, pkg: PluginPackage): string {
  const dir = path.join(project, 'node_modules', pkg.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: pkg.name, ...pkg.manifest }, null, 2));
  for (const [file, text] of Object.entries(pkg.files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

export interface PackedGateway {
  /** The tarball `npm pack` made of a build of this checkout. */
  tarball: string;
  /** The files it holds, relative to the package root. */
  files: string[];
  cleanup(): void;
}

/**
 * Builds this checkout as `npm run build` does (tsconfig.build.json, schemas copied), into a
 * staging folder with the package's own files, and packs it: the tarball holds exactly what
 * `files` publishes. The checkout's dist/ is not touched.
 */
export function packGateway(): PackedGateway {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'gw-pack-'));
  for (const f of ['package.json', 'README.md', 'gateway.yaml', 'bin', 'docs']) cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true });
  execFileSync(BIN('tsc'), ['-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  cpSync(path.join(ROOT, 'schemas'), path.join(stage, 'dist/schemas'), { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', stage], { cwd: stage, encoding: 'utf8' });
  const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(stage, info!.filename), files: info!.files.map((f) => f.path), cleanup: () => rmSync(stage, { recursive: true, force: true }) };
}

/**
 * Installs the tarball as node_modules/llm-gateway; its own dependencies are this
 * checkout's node_modules (what `npm install` would have fetched).
 */
export function installPackedGateway(project: string, packed: PackedGateway): string {
  const dir = path.join(project, 'node_modules/llm-gateway');
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', packed.tarball, '-C', dir, '--strip-components=1']);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}
