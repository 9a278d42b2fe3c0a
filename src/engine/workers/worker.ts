/**
 * Worker entry: dispatches `{ task, payload }` to ./tasks/<task>.ts (loaded once per
 * worker, on first use). A task module exports `default (payload) => result`.
 */
const loaded = new Map<string, (payload: unknown) => unknown>();

// Node 20 does not apply `--import tsx` loader hooks inside worker threads, so a worker
// running from .ts sources registers tsx's ESM loader itself before importing a task.
let tsLoader: Promise<void> | undefined;
const ensureTsLoader = (): Promise<void> =>
  (tsLoader ??= import.meta.url.endsWith('.ts')
    ? import('tsx/esm/api').then((m) => {
        m.register();
      })
    : Promise.resolve());

export default async function runTask({ task, payload }: { task: string; payload: unknown }): Promise<unknown> {
  let fn = loaded.get(task);
  if (!fn) {
    if (!/^[a-z0-9-]+$/.test(task)) throw new Error(`bad task name ${task}`);
    await ensureTsLoader();
    fn = (await import(`./tasks/${task}.ts`)).default as (payload: unknown) => unknown;
    loaded.set(task, fn);
  }
  return fn(payload);
}
