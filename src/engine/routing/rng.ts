/**
 * Seedable randomness and stable hashing for routing. Weighted picks, power-of-two
 * choices and jitter take an `Rng` so a test (and the explain endpoint) can replay the
 * exact decision a request got.
 *
 * @example
 *   const rng = seededRng(42); rng(); // same sequence every run
 *   fnv1a('text'); // a stable 32-bit hash
 */

/** A uniform [0, 1) source. `Math.random` fits. */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for load spreading (not for secrets). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return function mulberry32(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit FNV-1a of a string: a cheap stable hash for seeds and sticky buckets. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
