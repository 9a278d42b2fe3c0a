/**
 * The repository's own gateway.yaml, run the way the README's quick start runs it: the
 * command line of `npm start` (read from package.json, so the two cannot drift apart) in a
 * fresh folder holding an unchanged copy of gateway.yaml — its `./data/gateway.db` lands
 * there — with PORT=0. Resolves with the URL of the start-up line, which names the address
 * really bound. Used by the client matrix (its `mock` column) and the README test.
 *
 * @example
 *   const gw = await startShippedGateway();
 *   await fetch(`${gw.url}/v1/models`);
 *   await gw.stop();
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface ShippedGateway {
  /** From the start-up line: `http://127.0.0.1:<port>`. */
  url: string;
  /** The folder the gateway runs in (gateway.yaml, data/). */
  dir: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `npm start`'s command line, with `node` as this Node and paths resolved in the repository. */
async function startCommand(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== 'node') throw new Error(`npm start is not a node command line: ${pkg.scripts.start}`);
  return [process.execPath, ...args.map((a) => (a.startsWith('-') || !a.includes('/') ? a : path.join(ROOT, a)))];
}

export async function startShippedGateway(env: Record<string, string> = {}): Promise<ShippedGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-shipped-'));
  await copyFile(path.join(ROOT, 'gateway.yaml'), path.join(dir, 'gateway.yaml'));
  const [cmd, ...args] = await startCommand();
  const child = spawn(cmd!, args, { cwd: dir, env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (c) => (out += c));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    // stdout keeps being read afterwards: a closed pipe would end the gateway with EPIPE.
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`the shipped gateway exited before listening:\n${out}`)));
  });
  return {
    url,
    dir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
