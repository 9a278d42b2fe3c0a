/** Redis clean-up for tests that use the shared Redis at 127.0.0.1:6379 under a prefix of their own. */
import { Redis } from 'ioredis';

/** Delete every Redis key under `prefix`. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await r.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  r.disconnect();
}
