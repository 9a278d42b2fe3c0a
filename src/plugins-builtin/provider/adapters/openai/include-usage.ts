/**
 * Streams ask the upstream for `stream_options.include_usage` (options.stream_usage), and
 * most clients do not send it. Rather than serialise the whole body again to add it, the
 * field is spliced into the client's own bytes right after the opening brace: one copy of
 * the buffer instead of a JSON.stringify of every message (issue #12's hot path).
 *
 * @example
 *   withIncludeUsage(Buffer.from('{"model":"m","stream":true}'))
 *   // '{"stream_options":{"include_usage":true},"model":"m","stream":true}'
 */

const FIELD = Buffer.from('"stream_options":{"include_usage":true},');
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
const isJsonSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * The bytes with the field spliced in, or undefined when they do not open a non-empty JSON
 * object (then the caller serialises). The caller vouches that `raw` parses to the request
 * and that the request has no `stream_options` key, so the result has exactly one.
 */
export function withIncludeUsage(raw: Buffer): Buffer | undefined {
  let open = 0;
  while (open < raw.length && isJsonSpace(raw[open]!)) open++;
  if (raw[open] !== OPEN_BRACE) return undefined;
  let next = open + 1;
  while (next < raw.length && isJsonSpace(raw[next]!)) next++;
  // `{}` would leave a trailing comma; a chat request is never empty, but stay valid.
  if (next >= raw.length || raw[next] === CLOSE_BRACE) return undefined;
  return Buffer.concat([raw.subarray(0, open + 1), FIELD, raw.subarray(open + 1)], raw.length + FIELD.length);
}
