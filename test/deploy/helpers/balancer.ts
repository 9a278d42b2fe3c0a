/**
 * A round-robin client that balances the way HAProxy (`option httpchk GET /readyz`) or a
 * Kubernetes Service does: it polls every backend's /readyz and sends only to the ready
 * ones. It never retries: a request that fails counts as failed, so a rolling restart is
 * error-free only if the gateway itself drains properly.
 */
export class ReadinessBalancer {
  private readonly ready = new Map<string, boolean>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 100) {}

  add(url: string): void {
    this.ready.set(url, false);
  }

  remove(url: string): void {
    this.ready.delete(url);
  }

  /** Polls every backend now and then every `intervalMs` (like `inter 100ms fall 1 rise 1`). */
  async start(): Promise<void> {
    await this.poll();
    const loop = () => {
      this.timer = setTimeout(() => void this.poll().then(loop), this.intervalMs);
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  async poll(): Promise<void> {
    await Promise.all(
      [...this.ready.keys()].map(async (url) => {
        const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (this.ready.has(url)) this.ready.set(url, ok);
      }),
    );
  }

  isReady(url: string): boolean {
    return this.ready.get(url) === true;
  }

  /** The next ready backend, round robin; undefined when none is ready. */
  pick(): string | undefined {
    const urls = [...this.ready.keys()].filter((u) => this.ready.get(u));
    if (urls.length === 0) return undefined;
    return urls[this.next++ % urls.length];
  }
}
