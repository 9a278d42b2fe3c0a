/**
 * One request target, one meaning: the path every route and endpoint is matched against
 * is the path that is forwarded, in the form a backend would read it. Without this,
 * `/apps/%61dmin/x` or `/apps//admin/x` miss a `/apps/admin` route (and its pipeline:
 * auth, limits) and are served by the broader `/apps` route, while a backend that
 * decodes unreserved characters or merges slashes (most do) serves `/apps/admin/x`.
 *
 * Two normalisations, both meaning-preserving (RFC 3986 §6.2.2.2 for the first; the
 * second is what nginx's `merge_slashes` does by default):
 * - a percent-encoded unreserved character (`A–Z a–z 0–9 - . _ ~`) is decoded;
 * - runs of `/` in the path become one.
 * Anything else (an encoded `/`, `%`, a non-ASCII byte) keeps its escape, so no new
 * separator appears. The query string is left as it came.
 */

const ESCAPE = /%([0-9a-fA-F]{2})/g;

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A–Z
    (code >= 0x61 && code <= 0x7a) || // a–z
    (code >= 0x30 && code <= 0x39) || // 0–9
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e // ~
  );
}

/**
 * The canonical form of a request target (path and query), or the target itself when it
 * is already canonical (the common case costs two `includes`).
 * @example
 *   canonicalUrl('/apps/%61dmin//x?q=%61') // '/apps/admin/x?q=%61'
 *   canonicalUrl('/apps/a%2Fb') // '/apps/a%2Fb' (an encoded slash is not a separator)
 */
export function canonicalUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.includes('%') && !path.includes('//')) return url;
  const canonical = path
    .replace(ESCAPE, (escape: string, hex: string) => {
      const code = parseInt(hex, 16);
      return isUnreserved(code) ? String.fromCharCode(code) : escape;
    })
    .replace(/\/{2,}/g, '/');
  return q === -1 ? canonical : canonical + url.slice(q);
}
