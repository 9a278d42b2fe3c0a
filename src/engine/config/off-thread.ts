/**
 * Runs config preparation (prepare.ts: read, parse, expand, substitute, schema) in a worker
 * thread, so a file that takes seconds or gigabytes to parse costs the event loop nothing:
 * the worker is stopped at `timeoutMs` or `maxMemoryMb` and the file refused. One worker
 * serves the process (booting one costs ~300 ms of TypeScript loading and schema
 * compiling); it is unref'd while idle and ends after IDLE_MS without work.
 */
import { Worker } from 'node:worker_threads';
import type { ConfigIssue, RawIssue } from './issues.ts';
import type { PrepareInput, PreparedConfig } from './prepare.ts';
import { LIMIT_VARIABLES } from './limits.ts';
import { formatPath } from './paths.ts';
import { FROM_SOURCES, siblingModule } from '../run-mode.ts';

export type WorkerRequest =
  | { id: number; op: 'prepare'; input: PrepareInput }
  | { id: number; op: 'locate'; session: number; raw: readonly RawIssue[] }
  | { id: number; op: 'release'; session: number };
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** What a prepare hands back (the text stays in the worker). */
export type Prepared = Omit<PreparedConfig, 'text'>;

/** One prepared file: its result, and its text held in the worker for locating issues. */
export interface ConfigSession {
  prepared: Prepared;
  /** Positions for issues found later (plugins, references); 1:1 if the worker is gone. */
  locate(raw: readonly RawIssue[]): Promise<ConfigIssue[]>;
  /** Let the worker drop the text. */
  release(): void;
}

/** The worker could not finish: over time or memory, or it crashed. The message says which. */
export class ConfigWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigWorkerError';
  }
}

const IDLE_MS = 60_000;
// From sources the worker registers tsx itself, then loads worker.ts (a worker's own
// `--import` hooks are not yet in place when its entry module loads); from the build it
// is worker.js on plain node, and tsx is not installed.
const BOOT = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });`;
const ENTRY = siblingModule(import.meta.url, 'worker');
const WORKER_DATA = FROM_SOURCES ? { tsx: import.meta.resolve('tsx/esm/api'), entry: ENTRY.href } : undefined;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

class ConfigWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private sessions = 0;
  private idle: NodeJS.Timeout | undefined;
  private dead = false;

  constructor(readonly memoryMb: number) {
    const resourceLimits = { maxOldGenerationSizeMb: memoryMb };
    this.worker = WORKER_DATA
      ? new Worker(BOOT, { eval: true, workerData: WORKER_DATA, execArgv: [], resourceLimits })
      : new Worker(ENTRY, { execArgv: [], resourceLimits });
    this.worker.unref();
    this.worker.on('message', (r: WorkerReply) => this.settle(r));
    this.worker.on('error', (err: Error & { code?: string }) => {
      const message =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `reading the file needed more than ${memoryMb} MB; refused (${LIMIT_VARIABLES.maxMemoryMb} raises the limit)`
          : `the config worker failed: ${err.message}`;
      this.fail(new ConfigWorkerError(message));
    });
    this.worker.on('exit', () => this.fail(new ConfigWorkerError('the config worker stopped')));
  }

  get alive(): boolean {
    return !this.dead;
  }

  request(message: WorkerRequest, timeoutMs: number): Promise<unknown> {
    clearTimeout(this.idle);
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new ConfigWorkerError(`reading and checking the file took longer than ${timeoutMs} ms; refused (${LIMIT_VARIABLES.timeoutMs} raises the limit)`),
        );
      }, timeoutMs);
      this.pending.set(message.id, { resolve, reject, timer });
      this.worker.postMessage(message);
    });
  }

  post(message: WorkerRequest): void {
    if (!this.dead) this.worker.postMessage(message);
  }

  openSession(): void {
    this.sessions++;
  }

  closeSession(): void {
    this.sessions--;
    this.maybeIdle();
  }

  private settle(r: WorkerReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.value);
    else p.reject(new ConfigWorkerError(`the config worker failed: ${r.error}`));
    if (this.pending.size === 0) this.worker.unref();
    this.maybeIdle();
  }

  private maybeIdle(): void {
    if (this.dead || this.pending.size || this.sessions) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS).unref();
  }

  private fail(err: ConfigWorkerError): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.idle);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    void this.worker.terminate();
  }

  private stop(): void {
    this.fail(new ConfigWorkerError('idle'));
  }
}

let shared: ConfigWorker | undefined;
let nextId = 1;

function workerFor(memoryMb: number): ConfigWorker {
  if (!shared || !shared.alive || shared.memoryMb !== memoryMb) shared = new ConfigWorker(memoryMb);
  return shared;
}

/**
 * @example
 *   const session = await prepareOffThread({ file: 'gateway.yaml', env, limits });
 *   try { … session.prepared.tree … await session.locate(issues) } finally { session.release(); }
 * @throws ConfigWorkerError when the worker ran out of time or memory, or crashed
 */
export async function prepareOffThread(input: PrepareInput): Promise<ConfigSession> {
  const worker = workerFor(input.limits.maxMemoryMb);
  const id = nextId++;
  worker.openSession();
  let prepared: Prepared;
  try {
    prepared = (await worker.request({ id, op: 'prepare', input }, input.limits.timeoutMs)) as Prepared;
  } catch (err) {
    worker.closeSession();
    throw err;
  }
  let released = false;
  return {
    prepared,
    async locate(raw) {
      const fallback = () =>
        raw.map((r) => ({ file: input.file, line: r.pos?.line ?? 1, column: r.pos?.column ?? 1, path: formatPath(r.path), message: r.message }));
      if (!worker.alive) return fallback();
      try {
        const located = (await worker.request({ id: nextId++, op: 'locate', session: id, raw }, input.limits.timeoutMs)) as ConfigIssue[] | undefined;
        return located ?? fallback();
      } catch {
        return fallback();
      }
    },
    release() {
      if (released) return;
      released = true;
      worker.post({ id: nextId++, op: 'release', session: id });
      worker.closeSession();
    },
  };
}
