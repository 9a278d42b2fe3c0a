/**
 * Is the database there? Tells "the database went away" (connection refused, reset,
 * shut down, timed out, file busy) from a bad query, and remembers the last outage for
 * `/readyz`. Reasons are fixed phrases plus an error code: never a message that could
 * carry the connection URL or a password.
 *
 * @example
 *   const a = new Availability();
 *   try { await q(); a.ok(); } catch (err) { throw a.fail(err); }   // → GW_ERR_STORE_UNAVAILABLE when it is an outage
 */
import { gatewayError, GatewayError } from '../../errors.ts';

/** Node socket errors and PostgreSQL SQLSTATEs that mean "not reachable now", and SQLite's busy/IO family. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', '57014']); // shut down, crashed, starting, too many connections, statement timeout
const PG_MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|query read timeout|pool.*end/i;

export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  if (code && (NET_CODES.has(code) || PG_CODES.has(code) || code.startsWith('08') || /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/.test(code))) return true;
  return err instanceof Error && PG_MESSAGES.test(err.message);
}

/**
 * The database refused the rows themselves (bad data, a constraint): retrying cannot help.
 * Anything else is worth retrying, so a row is never dropped for an error we did not foresee.
 */
export function isRejected(err: unknown): boolean {
  const code = codeOf(err);
  if (code) return /^2[23][0-9A-Z]{3}$/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
  return err instanceof TypeError || err instanceof RangeError;
}

/** A short reason safe to show an operator: a fixed phrase and the error code. */
export function reasonOf(err: unknown): string {
  const code = codeOf(err);
  return code ? `database unreachable (${code})` : 'database unreachable';
}

export class Availability {
  /** Set while the last database call failed for want of a database. */
  private outage: { since: string; reason: string } | undefined;

  ok(): void {
    this.outage = undefined;
  }

  /** Record a failed call; returns what to throw (a 503 gateway error for an outage). */
  fail(err: unknown): unknown {
    if (err instanceof GatewayError || !isUnavailable(err)) return err;
    this.outage ??= { since: new Date().toISOString(), reason: reasonOf(err) };
    return gatewayError('GW_ERR_STORE_UNAVAILABLE', { cause: err, retryAfter: 1 });
  }

  get down(): { since: string; reason: string } | undefined {
    return this.outage;
  }
}
