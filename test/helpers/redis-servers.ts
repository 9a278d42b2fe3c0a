/**
 * Throwaway Redis processes of a test's own: a single server, a 3-master Redis Cluster and a
 * Sentinel set (master, replica, sentinels). Debian's `redis-server` and `redis-cli`
 * (`.ci/run` installs them); every process listens on loopback on free ports, keeps its
 * files in a temp folder, and is stopped by its pid.
 *
 * @example
 *   const cluster = await startRedisCluster(3);  // cluster.nodes: ['127.0.0.1:41234', …]
 *   ...
 *   await cluster.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** `n` distinct free TCP ports on loopback (all held open until each is known). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer().listen(0, '127.0.0.1'));
  await Promise.all(servers.map((s) => once(s, 'listening')));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

export interface RedisProcess {
  port: number;
  /** `127.0.0.1:<port>` */
  address: string;
  /** SIGKILL (a crash, as far as clients can tell); resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * Start `redis-server` with `args` (a config file first, for a sentinel) and wait until it
 * accepts connections. Its files (a replica's RDB, cluster state) go in `dir`; a lone
 * server without persistence writes none.
 */
export async function startRedisServer(port: number, dir = os.tmpdir(), args: readonly string[] = []): Promise<RedisProcess> {
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no'];
  // Replicas sync through a file: a diskless sync started at once (delay 0) left a fresh
  // replica 'connected' at offset 0 now and then, never applying a write.
  const child = spawn('redis-server', [...args, ...base, '--repl-diskless-sync', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const c of child.stdout!) {
    out += c;
    // A sentinel never prints the "Ready" line; it has loaded its master once it says +monitor.
    if (out.includes('Ready to accept connections') || out.includes('+monitor master')) {
      child.stdout!.resume();
      return { port, address: `127.0.0.1:${port}`, stop: () => kill(child) };
    }
  }
  throw new Error(`redis-server did not start: ${out}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/** Poll `check` every 100 ms until it returns true or `ms` pass. */
export async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One command on a short-lived connection. */
export async function redisCall(port: number, ...cmd: string[]): Promise<unknown> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    return await r.call(cmd[0]!, ...cmd.slice(1));
  } finally {
    r.disconnect();
  }
}

export interface RedisCluster {
  /** Every node, masters first, `127.0.0.1:<port>` each: any of them seeds a client. */
  nodes: string[];
  /** Kill one node (a crash): its replica, if any, takes over after the node timeout. */
  kill(address: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `masters` masters with `replicas` replicas each, all 16384 slots assigned by
 * `redis-cli --cluster create`; a node is deemed down after 2 s (`cluster-node-timeout`).
 */
export async function startRedisCluster(masters = 3, replicas = 0): Promise<RedisCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-redis-cluster-'));
  const procs: RedisProcess[] = [];
  const n = masters * (1 + replicas);
  try {
    // Bus ports are set explicitly: the default (port + 10000) may be taken or out of range.
    const ports = await freePorts(2 * n);
    for (let i = 0; i < n; i++) {
      const [port, bus] = [ports[2 * i]!, ports[2 * i + 1]!];
      const args = ['--cluster-enabled', 'yes', '--cluster-port', String(bus), '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'];
      procs.push(await startRedisServer(port, dir, args));
    }
    const nodes = procs.map((p) => p.address);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicas), '--cluster-yes']);
    for (const p of procs)
      await waitFor(`cluster_state:ok on ${p.address}`, async () => String(await redisCall(p.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    // A replica that never synced cannot take over: wait for every link.
    for (const p of procs)
      await waitFor(`${p.address} in sync`, async () => /role:master|master_link_status:up/.test(String(await redisCall(p.port, 'INFO', 'replication'))));
    return {
      nodes,
      kill: (address) => procs.find((p) => p.address === address)!.stop(),
      async stop() {
        await Promise.all(procs.map((p) => p.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface RedisSentinelSet {
  /** The monitored master's name. */
  name: string;
  /** Sentinel addresses, `127.0.0.1:<port>` each. */
  sentinels: string[];
  /** The port of the node that is master now (asks a sentinel). */
  masterPort(): Promise<number>;
  /** `SENTINEL FAILOVER`; resolves once the sentinel reports the other node as master. */
  failover(): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

/** One master, one replica and `sentinels` sentinels (quorum 1) monitoring them as `name`. */
export async function startRedisSentinel(sentinels = 1, name = 'gwmaster'): Promise<RedisSentinelSet> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-redis-sentinel-'));
  const procs: RedisProcess[] = [];
  try {
    const [masterPort0, replicaPort, ...sentinelPorts] = await freePorts(2 + sentinels);
    const master = await startRedisServer(masterPort0!, dir);
    procs.push(master);
    procs.push(await startRedisServer(replicaPort!, dir, ['--replicaof', '127.0.0.1', String(master.port)]));
    for (const port of sentinelPorts) {
      const file = path.join(dir, `sentinel-${port}.conf`);
      // A sentinel rewrites its config file as it learns the topology: each has its own.
      await writeFile(
        file,
        [
          `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          '',
        ].join('\n'),
      );
      procs.push(await startRedisServer(port, dir, [file, '--sentinel']));
    }
    const s0 = sentinelPorts[0]!;
    const masterPort = async () => Number(((await redisCall(s0, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[])[1]);
    // A forced failover needs a replica the sentinel knows and considers healthy.
    await waitFor('the sentinels to see the replica', async () => {
      for (const p of sentinelPorts) {
        const replicas = (await redisCall(p, 'SENTINEL', 'REPLICAS', name)) as string[][];
        const ok = replicas.some((r) => {
          const flags = r[r.indexOf('flags') + 1] ?? '';
          return flags === 'slave' && r[r.indexOf('master-link-status') + 1] === 'ok';
        });
        if (!ok) return false;
      }
      return true;
    });
    return {
      name,
      sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`),
      masterPort,
      async failover() {
        const from = await masterPort();
        await redisCall(s0, 'SENTINEL', 'FAILOVER', name);
        let to = from;
        await waitFor('the failover', async () => (to = await masterPort()) !== from);
        return { from, to };
      },
      async stop() {
        await Promise.all(procs.map((p) => p.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
