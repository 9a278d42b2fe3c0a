/**
 * Opens the ioredis client `stores.state` asks for: one node from a URL (`redis://`,
 * `rediss://`), the master a set of Sentinels names, or a Redis Cluster found from seed
 * nodes. The state store's two connections (commands, subscriber) both come from here, so
 * every topology behaves alike: the client reconnects by itself, and after a failover it
 * finds the new master (Sentinel: follows the Sentinels' failover events, redis-failover.ts;
 * Cluster: follows MOVED and refreshes its slot map; any node demoted under us answers
 * writes with READONLY, which makes it reconnect).
 *
 * @example
 *   connectRedis({ sentinel: { name: 'mymaster', nodes: ['10.0.0.5:26379'] } }, { offlineQueue: false, maxRetriesPerRequest: 1 });
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClusterConfig, RedisSentinelConfig, RedisTarget } from '../config/types.ts';
import type { RedisClient } from './state.ts';
import { followFailovers } from './redis-failover.ts';

/** What differs between the command connection and the subscriber connection. */
export interface ConnectionBehaviour {
  /** false: a command fails at once while Redis is away (callers fail open or closed); true: it waits. */
  offlineQueue: boolean;
  /** Attempts per command across reconnects (null: unlimited). */
  maxRetriesPerRequest: number | null;
}

const retryStrategy = (times: number): number => Math.min(times * 100, 2000);

// A master demoted by a failover (or a managed endpoint whose DNS moved) refuses writes
// with READONLY: reconnecting finds the new master. The failed command is not resent —
// without an offline queue it fails like any command during the switch.
const reconnectOnError = (err: Error): boolean => err.message.startsWith('READONLY');

/** `host:port` or `[v6]:port` (the schema checked the form). */
export function parseNode(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(hostPort.slice(i + 1)) };
}

/** Stops a client's failover watch (Sentinel), by client. */
const watches = new WeakMap<RedisClient, () => void>();

/** A URL string stands for `{ url }`. */
export function connectRedis(target: RedisTarget | string, b: ConnectionBehaviour): RedisClient {
  const common: RedisOptions = { maxRetriesPerRequest: b.maxRetriesPerRequest, enableOfflineQueue: b.offlineQueue, retryStrategy, reconnectOnError };
  if (typeof target === 'string') return new Redis(target, common);
  if ('url' in target) return new Redis(target.url, common);
  if ('sentinel' in target) {
    const sentinels = target.sentinel.nodes.map(parseNode);
    const client = new Redis(sentinelOptions(target.sentinel, sentinels, common));
    // The command connection (no offline queue) stops writing while the master changes.
    watches.set(client, followFailovers(target.sentinel, sentinels, client, !b.offlineQueue));
    return client;
  }
  return new Cluster(target.cluster.nodes.map(parseNode), clusterOptions(target.cluster, b));
}

/** Close a client for good (with its failover watch). */
export function closeRedis(client: RedisClient): void {
  watches.get(client)?.();
  client.disconnect();
}

function sentinelOptions(s: RedisSentinelConfig, sentinels: Array<{ host: string; port: number }>, common: RedisOptions): RedisOptions {
  const tls = s.tls ? {} : undefined;
  return {
    ...common,
    sentinels,
    name: s.name,
    role: 'master',
    username: s.username,
    password: s.password,
    sentinelUsername: s.sentinel_username,
    sentinelPassword: s.sentinel_password,
    db: s.db ?? 0,
    tls,
    sentinelTLS: tls,
    enableTLSForSentinelMode: s.tls === true,
  };
}

function clusterOptions(c: RedisClusterConfig, b: ConnectionBehaviour): ClusterOptions {
  const opts: ClusterOptions = {
    enableOfflineQueue: b.offlineQueue,
    // While a dead master's replica takes over, a command to its slots is retried every
    // 100 ms per redirection: the default 16 would hold a request ~1.6 s. Fail-fast
    // connections give up after ~0.4 s (MOVED and ASK need one or two).
    maxRedirections: b.offlineQueue ? 16 : 4,
    clusterRetryStrategy: retryStrategy,
    redisOptions: { maxRetriesPerRequest: b.maxRetriesPerRequest, username: c.username, password: c.password, tls: c.tls ? {} : undefined },
  };
  // Managed clusters (ElastiCache, Memorystore) issue certificates for host names:
  // connect by the name given rather than the address it resolves to.
  if (c.tls) opts.dnsLookup = (address, callback) => callback(null, address);
  return opts;
}
