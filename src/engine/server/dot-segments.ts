/**
 * Refuses request paths a backend could resolve outside a proxy route's prefix, before
 * any rewrite: `/apps/crm/../admin` matches the route `/apps/crm`, is rewritten to
 * `/api/../admin`, and an app (or a framework's router) that normalises paths serves
 * `/admin`. Backends normalise in many ways, so every form one of them may turn into a
 * `.` or `..` segment is refused, not only the raw one:
 *
 * - percent-encoded dots and slashes (`%2e%2e`, `.%2E`, `..%2f`, `%5c`), decoded again
 *   and again (a backend may decode twice: `%252e`);
 * - backslashes (http-proxy's url.parse turns them into `/` before forwarding; Windows
 *   and some frameworks treat them as separators);
 * - `;params` (`..;/` is `..` to Tomcat and Jetty);
 * - overlong UTF-8 (`%c0%ae` was `.` to old decoders) and NUL bytes (C backends stop at it);
 * - fullwidth forms (`．．`, `／`) that NFKC normalisation turns into dots and slashes;
 * - segments of dots and whitespace only (`...`, `.. `: Windows trims trailing dots and
 *   spaces, so they may become `..`).
 *
 * Names with dots in them (`file.v1.json`, `.well-known`, `..foo`, `v1..2`) are not
 * segments of dots only and pass. The query (after `?`) is not a path and is not checked.
 */

/** How many times a path is percent-decoded; one still encoded after that is refused. */
const MAX_DECODE_ROUNDS = 4;

const SEPARATORS = /[/\\]/;
/** Only dots and whitespace, at least one dot. */
const DOT_SEGMENT = /^[\s.]*\.[\s.]*$/;
const PERCENT_BYTE = /%([0-9a-fA-F]{2})/g;

/**
 * Why `url` (a request target) may not be proxied, or undefined when it may.
 * @example
 *   pathProblem('/apps/crm/%2e%2e/admin') // 'The path has a "." or ".." segment …'
 *   pathProblem('/apps/crm/file.v1.json?x=../y') // undefined
 */
export function pathProblem(url: string): string | undefined {
  if (!url.startsWith('/')) return 'The request target must be a path starting with /.';
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  for (let round = 0; ; round++) {
    const problem = segmentProblem(path);
    if (problem) return problem;
    const decoded = percentDecode(path);
    if (decoded === undefined) return 'The path has an overlong UTF-8 percent-encoding, which proxy routes refuse.';
    if (decoded === path) return undefined;
    if (round === MAX_DECODE_ROUNDS) return 'The path is percent-encoded too many times over.';
    path = decoded;
  }
}

function segmentProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'The path has a NUL byte, which proxy routes refuse.';
  for (const form of [path, path.normalize('NFKC')]) {
    for (const raw of form.split(SEPARATORS)) {
      const semi = raw.indexOf(';');
      const segment = semi === -1 ? raw : raw.slice(0, semi);
      if (DOT_SEGMENT.test(segment)) {
        return 'The path has a "." or ".." segment (maybe percent-encoded, or behind a backslash), which proxy routes refuse.';
      }
    }
  }
  return undefined;
}

/**
 * One round of percent-decoding (valid `%XX` only; anything else stays as it is), as
 * UTF-8 with replacement characters; undefined for an overlong encoding, which is never
 * valid UTF-8 and which old decoders turned into `.`, `/` or `\`.
 */
function percentDecode(path: string): string | undefined {
  if (!path.includes('%')) return path;
  const bytes: number[] = [];
  let last = 0;
  for (const m of path.matchAll(PERCENT_BYTE)) {
    for (const b of Buffer.from(path.slice(last, m.index), 'utf8')) bytes.push(b);
    bytes.push(parseInt(m[1]!, 16));
    last = m.index + m[0].length;
  }
  for (const b of Buffer.from(path.slice(last), 'utf8')) bytes.push(b);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const next = bytes[i + 1] ?? 0;
    // C0/C1 lead a 2-byte form of an ASCII character; E0 80–9F and F0 80–8F are overlong too.
    if (b === 0xc0 || b === 0xc1 || (b === 0xe0 && next >= 0x80 && next <= 0x9f) || (b === 0xf0 && next >= 0x80 && next <= 0x8f)) return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}
