import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StateStore } from './state.ts';

/**
 * Redis-backed state store. One command connection, plus one subscriber connection made
 * on first subscribe (a Redis connection in subscribe mode cannot run commands).
 * ioredis reconnects by itself; commands fail fast while it is down (no offline queue)
 * so callers can fail open or closed as they are configured to.
 */
/** Longest `subscribe` waits for a Redis that is not known to be down. */
const SUBSCRIBE_WAIT_MS = 2000;

export function createRedisStateStore(url: string, prefix: string, logger: Logger): StateStore {
  const opts = { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, retryStrategy: (times: number) => Math.min(times * 100, 2000) };
  const redis = new Redis(url, opts);
  let sub: Redis | undefined;
  const handlers = new Map<string, Set<(m: string) => void>>();
  let warned = false;
  let closed = false;
  redis.on('error', (err) => {
    if (!warned) logger.warn({ err: err.message }, 'redis state store error');
    warned = true;
  });
  redis.on('ready', () => {
    if (warned) logger.info('redis state store reconnected');
    warned = false;
  });

  const subscriber = (): Redis => {
    if (sub) return sub;
    sub = new Redis(url, { ...opts, enableOfflineQueue: true, maxRetriesPerRequest: null });
    sub.on('error', () => {
      /* reported by the command connection */
    });
    sub.on('message', (channel: string, message: string) => {
      for (const fn of handlers.get(channel) ?? []) fn(message);
    });
    return sub;
  };

  return {
    kind: 'redis',
    prefix,
    redis,
    key: (name) => prefix + name,
    async get(name) {
      return redis.get(prefix + name);
    },
    async set(name, value, ttlMs) {
      if (ttlMs) await redis.set(prefix + name, value, 'PX', Math.ceil(ttlMs));
      else await redis.set(prefix + name, value);
    },
    async del(name) {
      await redis.del(prefix + name);
    },
    async incrBy(name, by, ttlMs) {
      const k = prefix + name;
      if (!ttlMs) return Number(await redis.incrbyfloat(k, by));
      const [[, v]] = (await redis.multi().incrbyfloat(k, by).pexpire(k, Math.ceil(ttlMs), 'NX').exec()) as [[unknown, string]];
      return Number(v);
    },
    async publish(channel, message) {
      await redis.publish(prefix + channel, message);
    },
    // Resolves once the subscription is live — unless Redis is known to be down (or takes
    // longer than SUBSCRIBE_WAIT_MS): then the command waits in the subscriber's offline
    // queue and goes live when Redis is back (ioredis also re-subscribes after every
    // reconnect). So a gateway starts and stops without Redis. Unsubscribing never waits.
    async subscribe(channel, onMessage) {
      const full = prefix + channel;
      let set = handlers.get(full);
      if (!set) {
        set = new Set();
        handlers.set(full, set);
        const live = subscriber()
          .subscribe(full)
          .then(
            () => undefined,
            (err: Error) => {
              if (!closed) logger.warn({ err: err.message, channel: full }, 'redis subscribe failed');
            },
          );
        if (!warned) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            live,
            new Promise<void>((r) => {
              timer = setTimeout(r, SUBSCRIBE_WAIT_MS);
            }),
          ]);
          clearTimeout(timer);
        }
      }
      set.add(onMessage);
      return async () => {
        set!.delete(onMessage);
        if (set!.size === 0 && handlers.get(full) === set) {
          handlers.delete(full);
          sub?.unsubscribe(full).catch(() => undefined);
        }
      };
    },
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      redis.disconnect();
      sub?.disconnect();
    },
  };
}
