/**
 * A %-encoded path segment (a model or response id) decoded for lookup. A malformed
 * escape (`%E0%A4%A`) makes decodeURIComponent throw a URIError, which on a request path
 * became a 500; no id holds one, so the segment stays as it came and names nothing (the
 * caller's 404), the same in every handler.
 *
 * @example
 *   decodePathSegment('gpt%2D4o'); // 'gpt-4o'
 *   decodePathSegment('%E0%A4%A'); // '%E0%A4%A'
 */
export function decodePathSegment(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
