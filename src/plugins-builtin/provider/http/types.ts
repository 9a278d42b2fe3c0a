/** Shared shapes of the provider HTTP layer. */
import type { TimeoutsConfig } from '../../../engine/config/types.ts';

export type Timeouts = Required<TimeoutsConfig>;

/** The defaults the issue names: connect 10 s, first byte 60 s, idle 30 s, total 600 s. */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  connect_ms: 10_000,
  first_byte_ms: 60_000,
  idle_ms: 30_000,
  total_ms: 600_000,
});

/** One SSE event: `event:` name (if any) and its joined `data:` text. */
export interface SseEvent {
  event?: string;
  data: string;
}
