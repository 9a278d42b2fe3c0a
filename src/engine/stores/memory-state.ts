import { EventEmitter } from 'node:events';
import type { StateStore } from './state.ts';

interface Entry {
  value: string;
  expiresAt: number;
}

/** One-process state store. Expired entries are dropped lazily and by a slow sweep. */
export function createMemoryStateStore(prefix = 'gw:'): StateStore {
  const data = new Map<string, Entry>();
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, e] of data) if (e.expiresAt <= now) data.delete(k);
  }, 30_000);
  sweep.unref();

  const read = (k: string): Entry | undefined => {
    const e = data.get(k);
    if (e && e.expiresAt <= Date.now()) {
      data.delete(k);
      return undefined;
    }
    return e;
  };

  return {
    kind: 'memory',
    prefix,
    key: (name) => prefix + name,
    async get(name) {
      return read(prefix + name)?.value ?? null;
    },
    async set(name, value, ttlMs) {
      data.set(prefix + name, { value, expiresAt: ttlMs ? Date.now() + ttlMs : Infinity });
    },
    async del(name) {
      data.delete(prefix + name);
    },
    async incrBy(name, by, ttlMs) {
      const k = prefix + name;
      const e = read(k);
      const next = (e ? Number(e.value) : 0) + by;
      data.set(k, { value: String(next), expiresAt: e ? e.expiresAt : ttlMs ? Date.now() + ttlMs : Infinity });
      return next;
    },
    async publish(channel, message) {
      bus.emit(prefix + channel, message);
    },
    async subscribe(channel, onMessage) {
      bus.on(prefix + channel, onMessage);
      return async () => {
        bus.off(prefix + channel, onMessage);
      };
    },
    async ping() {
      return true;
    },
    async close() {
      clearInterval(sweep);
      data.clear();
      bus.removeAllListeners();
    },
  };
}
