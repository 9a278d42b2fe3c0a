/**
 * Stored responses in the state store (memory, or Redis so every replica sees them),
 * under `responses:<id>` behind the store's own key prefix, for `store_ttl_seconds`.
 * A response belongs to the API key that created it: the record keeps a fingerprint of
 * that key (sha256 over a domain tag and the key, so it is not the hash the key tables
 * are searched by), and a lookup by another key finds nothing, exactly as a missing id.
 *
 * @example
 *   const owner = ownerOf(ctx.headers);
 *   await saveResponse(state, ttlMs, record);
 *   const rec = await loadResponse(state, 'resp_…', owner); // undefined for another key
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { StateStore } from '../stores/state.ts';
import type { GatewayConfig } from '../config/types.ts';
import { presentedKey } from '../admin/auth.ts';
import { isResponseId } from './ids.ts';
import type { StoredResponse } from './types.ts';

/** One day unless `responses.store_ttl_seconds` says otherwise. */
export const DEFAULT_STORE_TTL_SECONDS = 86_400;

const keyOf = (id: string) => `responses:${id}`;

export function storeTtlMs(config: Readonly<GatewayConfig>): number {
  return (config.responses?.store_ttl_seconds ?? DEFAULT_STORE_TTL_SECONDS) * 1000;
}

/** Fingerprint of the key the request presents (Bearer or x-api-key), null without one. */
export function ownerOf(headers: IncomingHttpHeaders): string | null {
  const key = presentedKey(headers as { authorization?: string; 'x-api-key'?: string | string[] });
  return key ? createHash('sha256').update('llm-gateway responses owner\0').update(key).digest('hex') : null;
}

export async function saveResponse(state: StateStore, ttlMs: number, rec: StoredResponse): Promise<void> {
  await state.set(keyOf(rec.response.id), JSON.stringify(rec), ttlMs);
}

/** The record when it exists, has not expired and belongs to `owner`; else undefined. */
export async function loadResponse(state: StateStore, id: string, owner: string | null): Promise<StoredResponse | undefined> {
  if (!isResponseId(id)) return undefined;
  const text = await state.get(keyOf(id));
  if (text === null) return undefined;
  const rec = JSON.parse(text) as StoredResponse;
  return rec.v === 1 && rec.owner === owner ? rec : undefined;
}

export async function deleteResponse(state: StateStore, id: string): Promise<void> {
  await state.del(keyOf(id));
}
