/**
 * The prompt vectors of one scope, searched for the nearest cached prompt. Rows live in
 * SharedArrayBuffers, so handing a snapshot to a worker shares them instead of copying
 * (the search runs there when the scope is large). Removal swaps the last row into the
 * hole; the position map keeps insertion order, so its first key is the oldest row.
 */
export class ScopeIndex {
  readonly keys: string[] = [];
  readonly rows: Float32Array[] = [];
  private readonly pos = new Map<string, number>();

  get size(): number { return this.keys.length; }

  has(key: string): boolean { return this.pos.has(key); }

  /** Add (or replace) a row; drops the oldest rows beyond `cap`. Returns how many rows were dropped. */
  add(key: string, vector: Float32Array, cap: number): number {
    this.remove(key);
    const row = new Float32Array(new SharedArrayBuffer(vector.length * 4));
    row.set(vector);
    this.pos.set(key, this.keys.length);
    this.keys.push(key);
    this.rows.push(row);
    let dropped = 0;
    while (this.keys.length > cap) { this.remove(this.pos.keys().next().value!); dropped++; }
    return dropped;
  }

  remove(key: string): boolean {
    const i = this.pos.get(key);
    if (i === undefined) return false;
    const last = this.keys.length - 1;
    if (i !== last) {
      this.keys[i] = this.keys[last]!;
      this.rows[i] = this.rows[last]!;
      this.pos.set(this.keys[i]!, i);
    }
    this.keys.pop();
    this.rows.pop();
    this.pos.delete(key);
    return true;
  }
}
