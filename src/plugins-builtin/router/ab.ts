/**
 * A/B splits of a model name: each request gets a variant by weight, sticky per API key
 * (or user: the same id always lands in the same bucket of an experiment), or at random
 * with `sticky: none`.
 *
 * @example
 *   const ab = compileAb([{ name: 'exp1', model: 'mini', variants: [{ model: 'mini', weight: 80 }, { model: 'big', weight: 20 }] }]);
 *   variantOf(ab.get('mini')!, { keyId: 'key_1' }, Math.random); // { model: 'big', sticky: true } for this key, always
 */
import { createHash } from 'node:crypto';
import type { Rng } from '../../engine/routing/rng.ts';
import type { RouterConfig } from './config.generated.ts';

export interface CompiledAb {
  name: string;
  model: string;
  sticky: 'key' | 'user' | 'none';
  /** Cumulative upper bounds in [0, 1], in order. */
  variants: Array<{ model: string; upTo: number }>;
}

/** Experiments by the model name they split. */
export function compileAb(experiments: RouterConfig['ab'] = []): Map<string, CompiledAb> {
  const ab = new Map<string, CompiledAb>();
  for (const e of experiments) {
    const total = e.variants.reduce((s, v) => s + v.weight, 0) || 1;
    let acc = 0;
    ab.set(e.model, {
      name: e.name,
      model: e.model,
      sticky: e.sticky ?? 'key',
      variants: e.variants.map((v) => ({ model: v.model, upTo: (acc += v.weight) / total })),
    });
  }
  return ab;
}

/** The variant of a request: by its sticky id's bucket, else at random. */
export function variantOf(exp: CompiledAb, who: { keyId?: string; userId?: string }, rng: Rng): { model: string; sticky: boolean } {
  const id = exp.sticky === 'key' ? who.keyId : exp.sticky === 'user' ? (who.userId ?? who.keyId) : undefined;
  const x = id === undefined ? rng() : bucketOf(id, exp.name);
  const v = exp.variants.find((w) => x < w.upTo) ?? exp.variants[exp.variants.length - 1]!;
  return { model: v.model, sticky: id !== undefined };
}

/** A stable position in [0, 1) for `id` within `salt` (sha256, so buckets are uniform). */
export function bucketOf(id: string, salt: string): number {
  const d = createHash('sha256').update(salt).update('\0').update(id).digest();
  return d.readUInt32BE(0) / 4294967296;
}
