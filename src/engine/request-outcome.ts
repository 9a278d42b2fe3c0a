/**
 * How a finished request is recorded (metrics, traces, usage rows): one rule for every
 * plugin that counts. A client that went away — mid-body, mid-answer, mid-upload to a proxy
 * route — is an abort, recorded as 499 `client_closed_request`: never a 5xx, never an error
 * of the gateway, or any client could fire 5xx alerts by hanging up.
 */
import type { RequestContext } from './context.ts';

/** True when the client left before its answer was complete. */
export function clientAborted(ctx: RequestContext): boolean {
  return ctx.error ? ctx.error.code === 'GW_ERR_CLIENT_CLOSED' : ctx.signal.aborted;
}

/** The status to record: 499 for an abort, else what was sent (or the error's). */
export function recordedStatus(ctx: RequestContext): number {
  if (clientAborted(ctx)) return 499;
  return ctx.status ?? ctx.error?.status ?? 0;
}
