/**
 * An open-loop request stream: one request every `intervalMs`, on schedule whatever the
 * answers do, each latency measured from when it was due — so a stalled event loop shows
 * up as latency (of the requests it held back), not as fewer requests.
 */
export interface SteadyStream {
  /** Latencies (ms) of requests due in [from, to) (performance.now() times), sorted. */
  latencies(from: number, to: number): number[];
  failures: string[];
  stop(): Promise<void>;
}

export function steadyStream(send: () => Promise<Response>, intervalMs: number): SteadyStream {
  const samples: Array<{ due: number; ms: number }> = [];
  const failures: string[] = [];
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  let n = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  function tick(): void {
    if (stopped) return;
    const now = performance.now();
    // Every request due by now, including those a stall held back.
    while (start + n * intervalMs <= now) {
      const due = start + n++ * intervalMs;
      const p = send()
        .then(async (r) => {
          await r.arrayBuffer();
          if (r.status !== 200) failures.push(`status ${r.status}`);
          samples.push({ due, ms: performance.now() - due });
        })
        .catch((err: unknown) => {
          failures.push(String(err));
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    timer = setTimeout(tick, Math.max(0, start + n * intervalMs - performance.now()));
  }
  tick();

  return {
    latencies: (from, to) =>
      samples
        .filter((s) => s.due >= from && s.due < to)
        .map((s) => s.ms)
        .sort((a, b) => a - b),
    failures,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(inflight);
    },
  };
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
