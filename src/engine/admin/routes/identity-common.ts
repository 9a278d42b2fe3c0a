/**
 * What the identity admin routes share: ajv validators that answer 400 naming the
 * field, an async-handler wrapper (a thrown error goes to the admin error handler: an
 * OpenAI-shaped response, never express's HTML 500), the typed db, merge-patch updates,
 * and audit rows with actor "admin".
 */
import type { Request, Response, RequestHandler } from 'express';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { AdminDeps } from '../deps.ts';
import type { JSONSchema } from '../../types.ts';
import { gatewayError } from '../../errors.ts';
import { announceKeyChange, dbOf, type AuditEntry, type GatewayDb } from '../../stores/db/index.ts';
import { mergePatch } from '../merge-patch.ts';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
const queryAjv = new Ajv({ allErrors: false, strict: false, coerceTypes: true });

/**
 * RFC 3339 allows a leap second (`23:59:60`), which Date cannot read: stored as a key's
 * `expires_at` it would never arrive, and as a query bound it would throw. So a date-time
 * must also be one Date reads.
 */
const rfc3339 = fullFormats['date-time'] as { validate: (s: string) => boolean };
const dateTime = { type: 'string' as const, validate: (s: string) => rfc3339.validate(s) && !Number.isNaN(Date.parse(s)) };
for (const a of [ajv, queryAjv]) {
  addFormats.default(a);
  a.addFormat('date-time', dateTime);
}

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

/** Wrap an async route: errors go to the admin router's error handler (respond.ts). */
export function route(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return function adminRoute(req, res, next) {
    fn(req, res).catch(next);
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

/**
 * A PATCH body applied to a stored record as a JSON merge patch (RFC 7386), checked as a
 * whole: `fields` are the writable ones. The result names every writable field, those the
 * patch deleted as undefined, because the stores' update overlays it on the stored row
 * (an absent field would keep its old value).
 */
export function mergeRecord<T extends object>(record: object, patch: unknown, fields: readonly string[], check: (data: unknown) => T): T {
  const target: Record<string, unknown> = {};
  for (const f of fields) {
    const v = (record as Record<string, unknown>)[f];
    // A stored null is an absent member in merge-patch terms.
    if (v !== null && v !== undefined) target[f] = v;
  }
  const merged = { ...check(mergePatch(target, patch)) } as Record<string, unknown>;
  for (const f of fields) if (!(f in merged)) merged[f] = undefined;
  return merged as T;
}

/** The writable fields of an identity schema: its properties but the id. */
export const writableFields = (schema: JSONSchema): string[] => Object.keys(schema.properties as object).filter((f) => f !== 'id');

/** The body as an object (express leaves it undefined without a JSON content type). */
export const bodyOf = (req: Request): unknown => (req.body === undefined ? {} : req.body);

export const PAGE_QUERY: JSONSchema = {
  limit: { type: 'integer', minimum: 1, maximum: 500 },
  cursor: { type: 'string', maxLength: 100 },
};
