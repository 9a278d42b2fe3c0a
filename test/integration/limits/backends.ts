/**
 * The Redis topologies the multi-replica limit tests run against, each as the
 * `stores.state` YAML a gateway gets plus how to tear it down: the shared Redis at
 * 127.0.0.1:6379 under a prefix of the test's own, and a 3-master Redis Cluster the test
 * starts itself. The same test body runs against each.
 */
import { deleteRedisPrefix } from '../../helpers/redis.ts';
import { startRedisCluster } from '../../helpers/redis-servers.ts';

export interface StateBackend {
  name: string;
  /** Starts what the backend needs; `state` is the `stores.state` flow mapping. */
  start(prefix: string): Promise<{ state: string; stop(): Promise<void> }>;
}

export const STATE_BACKENDS: readonly StateBackend[] = [
  {
    name: 'one Redis',
    async start(prefix) {
      return { state: `{ type: redis, url: "redis://127.0.0.1:6379", prefix: "${prefix}" }`, stop: () => deleteRedisPrefix(prefix) };
    },
  },
  {
    name: 'a 3-node Redis Cluster',
    async start(prefix) {
      const cluster = await startRedisCluster(3);
      const nodes = cluster.nodes.map((n) => `"${n}"`).join(', ');
      return { state: `{ type: redis, cluster: { nodes: [${nodes}] }, prefix: "${prefix}" }`, stop: () => cluster.stop() };
    },
  },
];
