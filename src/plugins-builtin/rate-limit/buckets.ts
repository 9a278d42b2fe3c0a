/**
 * Limits compiled once at create time into bucket templates; per request, `bucketsFor`
 * fills in the dimension values with an index loop. A dimension a request lacks (no
 * user on the key, no model) means that limit does not apply to it.
 *
 * A bucket's key opens with a Redis hash tag naming its most specific dimension, e.g.
 * `{key:key_8f2c}rl:…` or `{team:team_01}rl:…` (a limit per key and model goes with the
 * key). On a Redis Cluster the tag decides the slot: all of one principal's buckets share a
 * slot and one script, while a bucket shared by many keys (a team's, a model's) stays one
 * counter in its own slot, never split per key (redis-limiter.ts has the whole layout).
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
  /** Index in `dims` of the dimension that names the bucket's hash tag. */
  tagAt: number;
  /** `{<dimension>:` — the tag's opening, the value and `}` follow. */
  tagHead: string;
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

/** Most specific first: the first of these a bucket has names its hash tag. */
const TAG_ORDER: readonly Dimension[] = ['key', 'user', 'team', 'ip', 'route', 'model'];

/** One template per (item, window) pair. */
export function compileTemplates(items: readonly LimitItem[], namePrefix: string, leaseMs: number, dimsOverride?: readonly Dimension[]): Template[] {
  const out: Template[] = [];
  items.forEach((item, i) => {
    const dims = dimsOverride ?? (Array.isArray(item.per) ? item.per : [item.per]);
    const tagDim = TAG_ORDER.find((d) => dims.includes(d))!;
    for (const [field, unit, windowMs] of WINDOWS) {
      const limit = item[field];
      if (limit === undefined) continue;
      out.push({
        name: `${namePrefix}${i}:${field}:${dims.join('+')}`,
        dims,
        tagAt: dims.indexOf(tagDim),
        tagHead: `{${tagDim}:`,
        unit,
        limit,
        ttlMs: unit === 'concurrency' ? leaseMs : windowMs,
      });
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
    let tag = '';
    for (let j = 0; j < t.dims.length; j++) {
      const v = dimValue(ctx, t.dims[j]!);
      if (v === undefined) continue outer;
      key += ':' + v;
      if (j === t.tagAt) tag = t.tagHead + v + '}';
    }
    // The tag leads, so a client-chosen value (a model name holding braces) cannot move it.
    out.push({ key: tag + key, limit: t.limit, ttlMs: t.ttlMs, cost: t.unit === 'tokens' ? tokens : 1, unit: t.unit });
  }
}
