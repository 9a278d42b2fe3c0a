/**
 * The prompt vectors of one scope, searched for the nearest cached prompt: one matrix
 * of rows in a SharedArrayBuffer, so a worker gets it as a single handle, never a copy
 * (the search runs there when the scope is large). Removal moves the last row into the
 * hole; the position map keeps insertion order, so its first key is the oldest row.
 * Growing allocates a new buffer, so a worker still reading the old one is unaffected.
 */
import { nearestInMatrix, type Nearest } from '../../engine/workers/tasks/cache-nearest.ts';

export class ScopeIndex {
  readonly keys: string[] = [];
  private readonly pos = new Map<string, number>();
  matrix: Float32Array;

  constructor(
    readonly dims: number,
    capacity = 8,
  ) {
    this.matrix = new Float32Array(new SharedArrayBuffer(capacity * dims * 4));
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.pos.has(key);
  }

  /** Add (or replace) a row; drops the oldest rows beyond `cap`. Returns how many rows were dropped. */
  add(key: string, vector: Float32Array, cap: number): number {
    if (vector.length !== this.dims) return 0;
    this.remove(key);
    const n = this.keys.length;
    if ((n + 1) * this.dims > this.matrix.length) {
      const grown = new Float32Array(new SharedArrayBuffer(Math.max(n + 1, Math.min(cap + 1, n * 2)) * this.dims * 4));
      grown.set(this.matrix.subarray(0, n * this.dims));
      this.matrix = grown;
    }
    this.matrix.set(vector, n * this.dims);
    this.pos.set(key, n);
    this.keys.push(key);
    let dropped = 0;
    while (this.keys.length > cap) {
      this.remove(this.pos.keys().next().value!);
      dropped++;
    }
    return dropped;
  }

  remove(key: string): boolean {
    const i = this.pos.get(key);
    if (i === undefined) return false;
    const last = this.keys.length - 1;
    if (i !== last) {
      this.keys[i] = this.keys[last]!;
      this.matrix.copyWithin(i * this.dims, last * this.dims, (last + 1) * this.dims);
      this.pos.set(this.keys[i]!, i);
    }
    this.keys.pop();
    this.pos.delete(key);
    return true;
  }

  nearest(q: Float32Array): Nearest {
    return nearestInMatrix(q, this.matrix, this.keys.length, this.dims);
  }

  /** Cosine of `q` with `key`'s row now (undefined when gone): checks a worker's answer. */
  similarityOf(key: string, q: Float32Array): number | undefined {
    const i = this.pos.get(key);
    if (i === undefined) return undefined;
    let dot = 0;
    for (let j = 0, off = i * this.dims; j < this.dims; j++) dot += q[j]! * this.matrix[off + j]!;
    return dot;
  }
}
