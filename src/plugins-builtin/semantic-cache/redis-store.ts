/**
 * Redis cache (`stores.state.type: redis`), shared by every replica. An answer is one
 * string key with a TTL (`sc:e:<key>`). A scope's prompt vectors are a Redis stream
 * (`sc:s:<scope>`, XADD MAXLEN ~ per-scope cap, idle TTL), which each process mirrors
 * locally: a lookup asks in one round trip for the exact entry and the stream entries
 * newer than the mirror's last id (usually none), so the similarity search never moves
 * all vectors over the network. Local mirrors are bounded by `max_entries` rows (least
 * recently used scopes dropped). An entry the search picks is read before it is served:
 * expired ones are misses.
 *
 * Every command touches one key, so the same code runs on a Redis Cluster: entries spread
 * over all slots by their own name, a scope's stream lives in one. The lookup's two reads
 * are sent together (one round trip on one node, in parallel to two Cluster nodes); a
 * write sets the entry, then appends to the stream. Two writes rather than a transaction:
 * an entry whose stream append failed is still an exact hit, and a stream row whose entry
 * is gone is a miss, so neither half alone serves a wrong answer.
 */
import type { RedisClient, StateStore } from '../../engine/stores/state.ts';
import type { CacheStore, LookupResult } from './store.ts';
import { ScopeIndex } from './scope-index.ts';

export interface RedisStoreOptions {
  maxEntries: number;
  perScope: number;
  ttlMs: number;
  dims: number;
}

interface Mirror {
  index: ScopeIndex;
  lastId: string;
}

type StreamEntries = Array<[id: string, fields: string[]]>;

const toBase64 = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

function fromBase64(s: string, dims: number): Float32Array | undefined {
  const b = Buffer.from(s, 'base64');
  if (b.length !== dims * 4) return undefined; // written by a replica with other settings
  const v = new Float32Array(dims);
  new Uint8Array(v.buffer).set(b);
  return v;
}

export function createRedisStore(state: StateStore, opts: RedisStoreOptions): CacheStore {
  const redis: RedisClient = state.redis!;
  const entryKey = (key: string): string => state.key(`sc:e:${key}`);
  const streamKey = (scope: string): string => state.key(`sc:s:${scope}`);
  const mirrors = new Map<string, Mirror>();
  let rows = 0;

  function apply(scope: string, m: Mirror, added: StreamEntries): void {
    // XREVRANGE: newest first; add oldest first so the cap drops the oldest.
    for (let i = added.length - 1; i >= 0; i--) {
      const [id, f] = added[i]!;
      m.lastId = id;
      const key = f[1],
        vec = f[3] !== undefined ? fromBase64(f[3], opts.dims) : undefined;
      if (f[0] !== 'k' || !key || !vec) continue;
      const had = m.index.has(key);
      rows += (had ? 0 : 1) - m.index.add(key, vec, opts.perScope);
    }
    mirrors.delete(scope);
    mirrors.set(scope, m);
    for (const [s, old] of mirrors) {
      if (rows <= opts.maxEntries || s === scope) break;
      rows -= old.index.size;
      mirrors.delete(s);
    }
  }

  return {
    async lookup(key, scope, semantic): Promise<LookupResult> {
      if (!semantic) return { exact: (await redis.get(entryKey(key))) ?? undefined };
      const m = mirrors.get(scope);
      const from = m ? `(${m.lastId}` : '-';
      const [exact, added] = (await Promise.all([redis.get(entryKey(key)), redis.xrevrange(streamKey(scope), '+', from, 'COUNT', opts.perScope)])) as [
        string | null,
        StreamEntries,
      ];
      if (exact) return { exact };
      if (!m && added.length === 0) return {};
      const mirror = m ?? { index: new ScopeIndex(opts.dims), lastId: '0-0' };
      apply(scope, mirror, added);
      return { index: mirror.index.size ? mirror.index : undefined };
    },
    async get(key, scope) {
      const v = await redis.get(entryKey(key));
      if (v !== null) return v;
      if (mirrors.get(scope)?.index.remove(key)) rows--;
      return undefined;
    },
    async put(key, scope, value, vector) {
      await redis.set(entryKey(key), value, 'PX', opts.ttlMs);
      if (!vector) return;
      const s = streamKey(scope);
      // One key: a transaction is slot-safe, and the stream never outlives its TTL.
      const out = await redis.multi().xadd(s, 'MAXLEN', '~', opts.perScope, '*', 'k', key, 'v', toBase64(vector)).pexpire(s, opts.ttlMs).exec();
      const failed = out?.find(([err]) => err);
      if (!out || failed) throw failed?.[0] ?? new Error('redis transaction aborted');
    },
  };
}
