/**
 * CPU time a proxy process spends per request: its user + system time (all threads, from
 * /proc/<pid>/stat) before and after a fixed-rate run, divided by the requests answered.
 * Latency percentiles say how long a request waited; this says what it cost, which is
 * what decides how many requests one core serves. Linux only (the bench machine).
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadFixedRate, type Samples } from './load.ts';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU time of a process, in µs (clock-tick resolution: 10 ms on most Linux). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / TICKS_PER_SECOND;
}

export interface CpuRun {
  /** CPU µs per answered request. */
  perRequest: number;
  samples: Samples;
}

/** A fixed-rate run against `url`, charging the CPU of process `pid` to its requests. */
export async function cpuPerRequest(
  pid: number,
  url: string,
  o: { rate: number; seconds: number; stream: boolean; headers?: Record<string, string> },
): Promise<CpuRun> {
  const before = cpuMicros(pid);
  const samples = await loadFixedRate(url, o);
  // Let the last writes and onDone hooks finish before reading the meter.
  await new Promise((r) => setTimeout(r, 50));
  const used = cpuMicros(pid) - before;
  return { perRequest: used / Math.max(1, samples.total.length), samples };
}
