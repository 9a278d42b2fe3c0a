/** Parsing helpers shared by the native translators. */
import { badUpstream } from './errors.ts';

/** JSON.parse of one stream event's data; GW_ERR_BAD_UPSTREAM_RESPONSE when it is not a JSON object. */
export function parseEventJson<T = Record<string, unknown>>(text: string): T {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw badUpstream('a stream event is not JSON', 200, err);
  }
  if (!v || typeof v !== 'object') throw badUpstream('a stream event is not a JSON object');
  return v as T;
}

/** An object body or GW_ERR_BAD_UPSTREAM_RESPONSE naming what is missing. */
export function expectObject(v: unknown, what: string, status: number): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badUpstream(`the body is not ${what}`, status);
  return v as Record<string, unknown>;
}
