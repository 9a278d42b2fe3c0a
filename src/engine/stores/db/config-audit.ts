/**
 * Audit rows for config reloads. The runtime calls this after every reload attempt.
 * The file hash is of the bytes before interpolation, so no secret is in it; error
 * messages are cut short and must not carry interpolated values.
 *
 * @example
 *   recordConfigReload(db, { generation: 3, hash: 'ab12…', outcome: 'ok' });
 */
import type { GatewayDb } from './types.ts';

export interface ConfigReloadEvent {
  generation: number;
  hash: string;
  outcome: 'ok' | 'failed' | 'rejected' | string;
  error?: string;
}

export function recordConfigReload(db: GatewayDb | undefined, e: ConfigReloadEvent): void {
  db?.recordAudit({
    actor: 'system',
    action: 'config.reload',
    target: `generation:${e.generation}`,
    details: { generation: e.generation, hash: e.hash, outcome: e.outcome, ...(e.error ? { error: e.error.slice(0, 500) } : {}) },
  });
}
