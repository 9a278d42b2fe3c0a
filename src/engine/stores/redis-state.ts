import type { Logger } from 'pino';
import type { RedisTarget } from '../config/types.ts';
import type { RedisClient, StateStore } from './state.ts';
import { closeRedis, connectRedis } from './redis-connect.ts';

/**
 * Redis-backed state store on one node, a Sentinel-managed master or a Redis Cluster
 * (redis-connect.ts). One command connection, plus one subscriber connection made on
 * first subscribe (a Redis connection in subscribe mode cannot run commands). ioredis
 * reconnects by itself; commands fail fast while it is down (no offline queue) so callers
 * can fail open or closed as they are configured to. Every method touches one key, so
 * all of them work on a Cluster; pub/sub there reaches every node's subscribers.
 */
/** Longest `subscribe` waits for a Redis that is not known to be down. */
const SUBSCRIBE_WAIT_MS = 2000;

/** `target`: where Redis is (a URL string stands for `{ url }`). */
export function createRedisStateStore(target: RedisTarget | string, prefix: string, logger: Logger): StateStore {
  const redis = connectRedis(target, { offlineQueue: false, maxRetriesPerRequest: 1 });
  let sub: RedisClient | undefined;
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

  const subscriber = (): RedisClient => {
    if (sub) return sub;
    sub = connectRedis(target, { offlineQueue: true, maxRetriesPerRequest: null });
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
      closeRedis(redis);
      if (sub) closeRedis(sub);
    },
  };
}
