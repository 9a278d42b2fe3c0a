/**
 * Limits compiled once at create time into bucket templates; per request, `bucketsFor`
 * fills in the dimension values with an index loop. A dimension a request lacks (no
 * user on the key, no model) means that limit does not apply to it.
 */
import type { RequestContext } from '../../engine/context.ts';
import type { KeyLimits } from '../../engine/stores/db/types.ts';
import type { BucketReq } from './limiter.ts';

export type Dimension = 'key' | 'user' | 'team' | 'model' | 'route' | 'ip';
export type Unit = 'requests' | 'tokens' | 'concurrency';

export interface LimitItem extends KeyLimits {
  per: Dimension | Dimension[];
}

export interface Template {
  name: string;
  dims: readonly Dimension[];
  unit: Unit;
  limit: number;
  ttlMs: number;
}

/** A bucket of this request, with what the headers and settle/release need. */
export interface RequestBucket extends BucketReq {
  unit: Unit;
}

const WINDOWS: Array<[keyof KeyLimits, Unit, number]> = [
  ['rps', 'requests', 1_000],
  ['rpm', 'requests', 60_000],
  ['rph', 'requests', 3_600_000],
  ['tpm', 'tokens', 60_000],
  ['concurrency', 'concurrency', 0],
];

/** One template per (item, window) pair. */
export function compileTemplates(items: readonly LimitItem[], namePrefix: string, leaseMs: number, dimsOverride?: readonly Dimension[]): Template[] {
  const out: Template[] = [];
  items.forEach((item, i) => {
    const dims = dimsOverride ?? (Array.isArray(item.per) ? item.per : [item.per]);
    for (const [field, unit, windowMs] of WINDOWS) {
      const limit = item[field];
      if (limit === undefined) continue;
      out.push({ name: `${namePrefix}${i}:${field}:${dims.join('+')}`, dims, unit, limit, ttlMs: unit === 'concurrency' ? leaseMs : windowMs });
    }
  });
  return out;
}

function dimValue(ctx: RequestContext, d: Dimension): string | undefined {
  switch (d) {
    case 'key':
      return ctx.principal?.keyId;
    case 'user':
      return ctx.principal?.userId;
    case 'team':
      return ctx.principal?.teamId;
    case 'model':
      return ctx.model;
    case 'route': {
      const q = ctx.path.indexOf('?');
      return q < 0 ? ctx.path : ctx.path.slice(0, q);
    }
    case 'ip':
      return ctx.clientIp;
  }
}

/** Append this request's buckets for `templates` to `out`. */
export function bucketsFor(ctx: RequestContext, templates: readonly Template[], tokens: number, out: RequestBucket[]): void {
  outer: for (let i = 0; i < templates.length; i++) {
    const t = templates[i]!;
    let key = t.name;
    for (let j = 0; j < t.dims.length; j++) {
      const v = dimValue(ctx, t.dims[j]!);
      if (v === undefined) continue outer;
      key += ':' + v;
    }
    out.push({ key, limit: t.limit, ttlMs: t.ttlMs, cost: t.unit === 'tokens' ? tokens : 1, unit: t.unit });
  }
}
