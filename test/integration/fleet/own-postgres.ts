/**
 * A PostgreSQL server of the test's own, on a free port in a temp folder (Debian's
 * binaries under /usr/lib/postgresql/<v>/bin): `initdb`, then the `postgres` server as a
 * child process the test stops and restarts by pid. PostgreSQL refuses to run as root, so
 * under root the files and the processes belong to the `postgres` system user. fsync is
 * off: only a process outage is simulated, never a machine crash.
 *
 * @example
 *   const pg = await ownPostgres(); await pg.start();
 *   await pg.stop();  await pg.start();   // same data, same port
 *   await pg.destroy();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface OwnPostgres {
  port: number;
  /** trust auth, user postgres, database postgres. */
  url: string;
  start(): Promise<void>;
  /** Fast shutdown (SIGINT): sessions are cut, committed work is kept. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => path.join(root, v, 'bin')).find((d) => existsSync(path.join(d, 'initdb')));
  if (!dir) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (Debian package postgresql)');
  return dir;
}

/** uid/gid to run as: ourselves, or the postgres system user when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
  return { uid, gid };
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  return port;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const user = runAs();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-own-pg-'));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = path.join(dir, 'data');
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--no-instructions'], {
    ...user,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;

  async function answers(): Promise<boolean> {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  return {
    port,
    url,
    async start() {
      const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'];
      child = spawn(path.join(bin, 'postgres'), args, { ...user, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.on('data', (d: Buffer) => (log += d));
      for (let i = 0; i < 100; i++) {
        if (child.exitCode !== null) throw new Error(`postgres exited: ${log}`);
        if (await answers()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`postgres did not answer on port ${port}: ${log}`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      c.kill('SIGINT');
      await once(c, 'exit');
    },
    async destroy() {
      if (child && child.exitCode === null) {
        child.kill('SIGQUIT');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
