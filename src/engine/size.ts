/** "1mb" / "512kb" / "100" → bytes (the units express's body_limit understands). */
export function parseSize(s: string | number): number {
  if (typeof s === 'number') return s;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(s);
  if (!m) throw new Error(`invalid size "${s}" (use e.g. 1mb, 512kb)`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1;
  return Math.floor(Number(m[1]) * mult);
}
