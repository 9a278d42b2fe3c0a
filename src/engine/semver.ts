/**
 * The one semver question the engine asks: does a plugin's `engine` range accept this
 * API version? Supports `^X`, `^X.Y`, `^X.Y.Z`, `X.x`, `>=X.Y.Z` and `*`, which is what
 * plugin manifests use; anything else is refused so a plugin never loads by accident.
 */
export function satisfiesMajor(version: string, range: string): boolean {
  const [maj, min, pat] = version.split('.').map(Number) as [number, number, number];
  const r = range.trim();
  if (r === '*' || r === '') return true;
  let m = /^\^?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec(r);
  if (m) {
    const want = [Number(m[1]), m[2] && m[2] !== 'x' ? Number(m[2]) : 0, m[3] && m[3] !== 'x' ? Number(m[3]) : 0];
    return maj === want[0] && (min > want[1]! || (min === want[1] && pat >= want[2]!));
  }
  m = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(r);
  if (m) {
    const want = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
    return maj > want[0] || (maj === want[0] && (min > want[1] || (min === want[1] && pat >= want[2])));
  }
  return false;
}
