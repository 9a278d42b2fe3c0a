/**
 * Small readers for decoding a Responses API request: each refusal is a GatewayError
 * naming the field in the Responses API's own spelling (`input[2].content[0].image_url`),
 * 400 `invalid_request` for malformed input and 400 `unsupported_capability` for a valid
 * field the gateway cannot honour (never a silent drop).
 */
import { gatewayError, type GatewayError } from '../../errors.ts';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function bad(param: string, message: string): GatewayError {
  return gatewayError('GW_ERR_INVALID_REQUEST', { param, message: `${param}: ${message}` });
}

export function unsupported(param: string, message: string): GatewayError {
  return gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', { param, message: `${param}: ${message}` });
}

/** `v` when it is a string (or absent/null: undefined); else a 400. */
export function optString(v: unknown, param: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(param, 'Must be a string.');
  return v;
}

export function optBool(v: unknown, param: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(param, 'Must be a boolean.');
  return v;
}

export function optNumber(v: unknown, param: string, min: number, max: number, integer = false): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) throw bad(param, `Must be ${integer ? 'an integer' : 'a number'}.`);
  if (v < min || v > max) throw bad(param, `Must be between ${min} and ${max}.`);
  return v;
}

/** A field the gateway cannot honour: refused unless absent, null, or one of `neutral`. */
export function refuseUnless(v: unknown, param: string, what: string, neutral: readonly unknown[] = []): void {
  if (v === undefined || v === null || neutral.includes(v)) return;
  throw unsupported(param, `${what} is not supported by this gateway.`);
}
