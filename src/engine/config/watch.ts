/**
 * Watch the config file for changes, the way editors and deploy tools save it: in place,
 * or by writing a temp file and renaming it over (vim, VS Code, Kubernetes ConfigMaps).
 * The directory is watched, not the file, so a rename that swaps the file's inode is seen
 * and the watch keeps working after it. Bursts become one call; SIGHUP forces one.
 */
import path from 'node:path';
import { watch } from 'chokidar';

export interface WatchOptions {
  /** Quiet time after the last event before onChange runs (ms). Default 150. */
  debounceMs?: number;
}

export interface ConfigWatcher {
  /** Resolves once the watcher is listening (tests, start-up logs). */
  ready: Promise<void>;
  /** Stop watching and remove the SIGHUP listener. */
  close(): Promise<void>;
}

/**
 * Call `onChange` (debounced) when `file` is written, replaced or re-created, or when the
 * process gets SIGHUP. `onChange` should reload and keep the old config on failure.
 *
 * @example
 *   const watcher = watchConfig('gateway.yaml', () => void reload());
 *   process.once('SIGTERM', () => void watcher.close());
 */
export function watchConfig(file: string, onChange: () => void, opts: WatchOptions = {}): ConfigWatcher {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const debounceMs = opts.debounceMs ?? 150;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(function configChanged() {
      timer = undefined;
      if (!closed) onChange();
    }, debounceMs);
  }

  const watcher = watch(dir, {
    ignoreInitial: true,
    depth: 0,
    // Only the file itself (and the directory, which chokidar must read to see it).
    ignored: (p: string) => p !== dir && p !== target,
    // An unlink followed by an add within the window is reported as one change.
    atomic: true,
  });
  function onFileEvent(p: string): void {
    if (p === target) schedule();
  }
  // `unlink` alone is not a change: the file is being replaced, or gone (then keep running).
  watcher.on('add', onFileEvent).on('change', onFileEvent);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  process.on('SIGHUP', schedule);

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      process.off('SIGHUP', schedule);
      await watcher.close();
    },
  };
}
