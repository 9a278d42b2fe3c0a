/**
 * Key-change notifications. The admin API calls `announceKeyChange` after it revokes,
 * rotates or updates a key; auth plugins listen with `onKeyChange` and drop their lookup
 * cache. Delivery is immediate in-process (a local emitter) and reaches other replicas
 * through the state store's pub/sub (Redis) within milliseconds; a PostgreSQL database
 * also delivers its own changes to every replica (LISTEN/NOTIFY, pg-changes.ts), through
 * `deliverKeyChange`, so keys stay in step across replicas even without Redis.
 *
 * @example
 *   const stop = await onKeyChange(stores.state, () => cache.clear());
 *   await announceKeyChange(stores.state, 'key_abc');
 */
import { EventEmitter } from 'node:events';
import type { StateStore } from '../state.ts';

export const KEY_CHANGES_CHANNEL = 'auth:key-changes';

// One emitter per process: the admin routes and the auth plugins meet on it.
const local = new EventEmitter().setMaxListeners(0);

/** Tell this process's listeners only (a change another replica made, heard from the database). */
export function deliverKeyChange(keyId: string): void {
  local.emit('change', keyId);
}

export async function announceKeyChange(state: StateStore, keyId: string): Promise<void> {
  deliverKeyChange(keyId);
  // The memory store's pub/sub is the same process: the local emit already covered it.
  if (state.kind === 'redis') await state.publish(KEY_CHANGES_CHANNEL, keyId).catch(() => undefined);
}

/** Returns an unsubscribe function. */
export async function onKeyChange(state: StateStore, handler: (keyId: string) => void): Promise<() => Promise<void>> {
  local.on('change', handler);
  const stopRemote = state.kind === 'redis' ? await state.subscribe(KEY_CHANGES_CHANNEL, handler) : undefined;
  return async () => {
    local.off('change', handler);
    await stopRemote?.();
  };
}
