/**
 * Worker entry: dispatches `{ task, payload }` to ./tasks/<task>.ts (loaded once per
 * worker, on first use). A task module exports `default (payload) => result`.
 */
const loaded = new Map<string, (payload: unknown) => unknown>();

export default async function runTask({ task, payload }: { task: string; payload: unknown }): Promise<unknown> {
  let fn = loaded.get(task);
  if (!fn) {
    if (!/^[a-z0-9-]+$/.test(task)) throw new Error(`bad task name ${task}`);
    fn = (await import(`./tasks/${task}.ts`)).default as (payload: unknown) => unknown;
    loaded.set(task, fn);
  }
  return fn(payload);
}
