/**
 * How deeply a JSON text nests. JSON.parse copes with any depth, but JSON.stringify and
 * every recursive walk after it (cache keys, token counts, re-serialising a changed body,
 * the database's JSON columns) overflow the stack at about 10,000 levels. So bodies are
 * refused past MAX_JSON_DEPTH where they are parsed, once, and nothing downstream has to
 * guard against it. Real requests nest a few levels (a tool's JSON Schema perhaps a dozen).
 *
 * @example
 *   jsonDepthExceeds('[[[1]]]', 2); // true
 */

/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const OPEN_OBJECT = 123;
const CLOSE_ARRAY = 93;
const CLOSE_OBJECT = 125;

/** Index of the quote closing the string opened at `open` (indexOf runs natively: strings are most of a body). */
function stringEnd(text: string, open: number): number {
  let q = open;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q === -1) return text.length;
    // Escaped when an odd number of backslashes precede it.
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
  }
}

/**
 * True when `text` (valid JSON) nests arrays/objects deeper than `max`. One pass over the
 * structure, jumping over strings; stops at the first level past `max`.
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}
