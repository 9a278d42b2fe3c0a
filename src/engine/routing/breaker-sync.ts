/**
 * Shares breaker state between replicas through the state store: a transition is
 * written to `routing:breaker:<id>` (so a replica that starts later reads it) and
 * published on `routing:breakers` (so running replicas apply it at once). With the
 * memory store this is a no-op in effect: one process, one board.
 *
 * @example
 *   const sync = await attachBreakerSync(store, board); ... await sync.close();
 */
import { randomUUID } from 'node:crypto';
import type { StateStore } from '../stores/state.ts';
import type { BreakerState } from './breaker.ts';

const CHANNEL = 'routing:breakers';
const STATES: ReadonlySet<string> = new Set(['closed', 'open', 'half_open']);

interface Message {
  origin: string;
  id: string;
  state: BreakerState;
  openUntil: number;
  reason: string;
}

export interface BreakerSyncTarget {
  applyRemote(id: string, state: BreakerState, openUntil: number, reason: string): void;
}

export interface BreakerSync {
  publish(id: string, state: BreakerState, openUntil: number, reason: string): void;
  /** Read a deployment's last shared state (a replica that starts late catches up). */
  load(id: string): void;
  close(): Promise<void>;
}

export async function attachBreakerSync(store: StateStore, target: BreakerSyncTarget, onError: (err: unknown) => void): Promise<BreakerSync> {
  const origin = randomUUID();
  const unsubscribe = await store.subscribe(CHANNEL, function onBreakerMessage(raw) {
    const m = parse(raw);
    if (m && m.origin !== origin) target.applyRemote(m.id, m.state, m.openUntil, m.reason);
  });
  return {
    publish(id, state, openUntil, reason) {
      const msg = JSON.stringify({ origin, id, state, openUntil, reason } satisfies Message);
      // Kept a little past the cool-down: after that, the state is stale anyway.
      const ttl = state === 'open' ? Math.max(1000, openUntil - Date.now()) + 60_000 : 60_000;
      store
        .set(`routing:breaker:${id}`, msg, ttl)
        .then(() => store.publish(CHANNEL, msg))
        .catch(onError);
    },
    load(id) {
      store
        .get(`routing:breaker:${id}`)
        .then((raw) => {
          const m = raw === null ? undefined : parse(raw);
          if (m && m.origin !== origin) target.applyRemote(m.id, m.state, m.openUntil, m.reason);
        })
        .catch(onError);
    },
    close: () => unsubscribe(),
  };
}

function parse(raw: string): Message | undefined {
  try {
    const m = JSON.parse(raw) as Partial<Message>;
    if (typeof m.id !== 'string' || typeof m.origin !== 'string' || !STATES.has(String(m.state)) || typeof m.openUntil !== 'number') return undefined;
    return { origin: m.origin, id: m.id, state: m.state as BreakerState, openUntil: m.openUntil, reason: String(m.reason ?? '') };
  } catch {
    return undefined;
  }
}
