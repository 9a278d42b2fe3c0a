/**
 * What the identity admin routes share: ajv validators that answer 400 naming the
 * field, an async-handler wrapper (a thrown error becomes an OpenAI-shaped response,
 * never express's HTML 500), the typed db, and audit rows with actor "admin".
 */
import type { Request, Response, RequestHandler } from 'express';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { AdminDeps } from '../deps.ts';
import type { JSONSchema } from '../../types.ts';
import { gatewayError } from '../../errors.ts';
import { sendError } from '../respond.ts';
import { announceKeyChange, dbOf, type AuditEntry, type GatewayDb } from '../../stores/db/index.ts';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
addFormats.default(ajv);
const queryAjv = new Ajv({ allErrors: false, strict: false, coerceTypes: true });
addFormats.default(queryAjv);

function fieldOf(e: ErrorObject): string {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (e.params as { additionalProperty?: string }).additionalProperty;
  return [base, extra].filter(Boolean).join('.') || '(body)';
}

/** A checker for `schema`: returns the value typed, or throws a 400 naming the field. */
export function validator<T>(schema: JSONSchema, where: 'body' | 'query' = 'body'): (data: unknown) => T {
  const v = (where === 'query' ? queryAjv : ajv).compile<T>(schema);
  return function check(data) {
    if (v(data)) return data;
    const e = v.errors![0]!;
    const field = fieldOf(e);
    const why = e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid');
    throw gatewayError('GW_ERR_INVALID_REQUEST', { message: `Invalid ${where} field "${field}": ${why}.`, param: field });
  };
}

/** Wrap an async route: errors become OpenAI-shaped responses. */
export function route(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return function adminRoute(req, res) {
    fn(req, res).catch((err: unknown) => sendError(res, err));
  };
}

export function requireDb(deps: AdminDeps): GatewayDb {
  const db = dbOf(deps.stores);
  if (!db) throw gatewayError('GW_ERR_NOT_FOUND', { message: 'No database is configured (stores.db).' });
  return db;
}

export const notFound = (what: string) => gatewayError('GW_ERR_NOT_FOUND', { message: `No such ${what}.` });

/** An audit row for an admin action. `details` must hold no secret. */
export function audit(db: GatewayDb, action: string, target: string | null, details?: Record<string, unknown>): void {
  const entry: AuditEntry = { actor: 'admin', action, target, details };
  db.recordAudit(entry);
}

/** Drop cached key lookups everywhere (limits, budgets or permissions may have changed). */
export async function keysChanged(deps: AdminDeps, keyId: string): Promise<void> {
  await announceKeyChange(deps.stores.state, keyId);
}

/** The body as an object (express leaves it undefined without a JSON content type). */
export const bodyOf = (req: Request): unknown => (req.body === undefined ? {} : req.body);

export const PAGE_QUERY: JSONSchema = {
  limit: { type: 'integer', minimum: 1, maximum: 500 },
  cursor: { type: 'string', maxLength: 100 },
};

/** express.json() failures (bad JSON, too large) as OpenAI-shaped 400/413s instead of HTML. */
export function jsonErrors(err: unknown, _req: Request, res: Response, next: (err?: unknown) => void): void {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return sendError(res, gatewayError('GW_ERR_BAD_JSON'));
  if (e?.type === 'entity.too.large') return sendError(res, gatewayError('GW_ERR_BODY_TOO_LARGE'));
  next(err);
}
