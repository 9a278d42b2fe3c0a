/**
 * The cache outlives config reloads: a new generation of the same plugin instance (same
 * id, same state store) with the same store settings gets the store the old one used,
 * so a reload does not empty the memory cache or the Redis vector mirrors. Changed
 * settings (size, TTL, dims) make a new store; the old one is dropped with it.
 */
import type { StateStore } from '../../engine/stores/state.ts';
import type { CacheStore } from './store.ts';

const byState = new WeakMap<StateStore, Map<string, { settings: string; store: CacheStore }>>();

export function sharedStore(state: StateStore, pluginId: string, settings: string, make: () => CacheStore): CacheStore {
  let stores = byState.get(state);
  if (!stores) byState.set(state, (stores = new Map()));
  const held = stores.get(pluginId);
  if (held?.settings === settings) return held.store;
  const store = make();
  stores.set(pluginId, { settings, store });
  return store;
}
