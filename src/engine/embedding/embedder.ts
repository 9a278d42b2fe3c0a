/**
 * Embeddings for embedding-based routing. No model weights can be fetched, so the
 * default embedder is deterministic and local: hashed character n-grams (3- and
 * 4-grams of the lower-cased text, FNV-1a into `dims` buckets with a sign bit, L2
 * normalised) — the "hashing trick". It captures wording and topic overlap, not deep
 * semantics. Embedders are pluggable: `registerEmbedder(name, factory)` in the main
 * thread and in worker tasks (a worker imports this module, so register from a module
 * both load).
 *
 * @example
 *   const e = embedderFor('hashed-ngram', 256);
 *   cosine(e.embed('write a python function'), e.embed('python code please')); // > 0
 */
import { fnv1a } from '../routing/rng.ts';

export interface Embedder {
  readonly dims: number;
  embed(text: string): Float32Array;
}

export type EmbedderFactory = (dims: number) => Embedder;

const registry = new Map<string, EmbedderFactory>([['hashed-ngram', (dims) => hashedNgram(dims)]]);

export function registerEmbedder(name: string, factory: EmbedderFactory): void {
  registry.set(name, factory);
}

export function embedderFor(name: string, dims: number): Embedder {
  const f = registry.get(name);
  if (!f) throw new Error(`unknown embedder "${name}" (known: ${[...registry.keys()].join(', ')})`);
  return f(dims);
}

export function hashedNgram(dims: number): Embedder {
  return {
    dims,
    embed(text: string): Float32Array {
      const v = new Float32Array(dims);
      const s = ` ${text.toLowerCase().replace(/\s+/g, ' ').trim()} `;
      for (let n = 3; n <= 4; n++) {
        for (let i = 0; i + n <= s.length; i++) {
          const h = fnv1a(s.slice(i, i + n));
          v[h % dims]! += h & 0x80000000 ? -1 : 1;
        }
      }
      return normalise(v);
    },
  };
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** Cosine similarity of two L2-normalised vectors (their dot product). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Index and similarity of the nearest row of `rows` to `q`. */
export function nearest(q: ArrayLike<number>, rows: readonly ArrayLike<number>[]): { index: number; similarity: number } {
  let index = -1,
    similarity = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const s = cosine(q, rows[i]!);
    if (s > similarity) {
      similarity = s;
      index = i;
    }
  }
  return { index, similarity };
}
