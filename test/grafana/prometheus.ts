/**
 * Runs a real Prometheus (the `prometheus` binary from PATH, Debian package `prometheus`)
 * for one test: a temp config scraping one target every second, a temp TSDB, a free
 * loopback port. Stopped by pid.
 *
 * @example
 *   const prom = await startPrometheus('127.0.0.1:8080');
 *   const series = await prom.query('up');
 *   await prom.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}
export interface QueryResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: Series[] };
}

export interface RunningPrometheus {
  url: string;
  pid: number;
  query(expr: string): Promise<QueryResult>;
  stop(): Promise<void>;
}

/** True when both binaries the Debian `prometheus` package ships are on PATH. */
export function prometheusInstalled(): boolean {
  const ok = (bin: string) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
  return ok('prometheus') && ok('promtool');
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function scrapeConfig(target: string): string {
  return `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: llm-gateway
    metrics_path: /metrics
    static_configs: [ { targets: ['${target}'] } ]
`;
}

export async function startPrometheus(target: string): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-prom-'));
  await writeFile(path.join(dir, 'prometheus.yml'), scrapeConfig(target));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + String(c)).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const killer = setTimeout(() => {
        if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 15 s: ${stderr}`);
    }
    await sleep(100);
  }

  return {
    url,
    pid: child.pid!,
    stop,
    async query(expr) {
      const r = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
      });
      return (await r.json()) as QueryResult;
    },
  };
}

/** Waits until Prometheus holds at least `n` scrapes of its target in the last minute. */
export async function waitForScrapes(prom: RunningPrometheus, n: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await prom.query('count_over_time(up{job="llm-gateway"}[1m])');
    const got = Number(r.data?.result[0]?.value[1] ?? 0);
    if (got >= n) return got;
    if (Date.now() > deadline) throw new Error(`only ${got} scrapes after ${timeoutMs} ms (wanted ${n})`);
    await sleep(200);
  }
}
