/**
 * One pass over a JSON text that parsed, for the two things JSON.parse silently accepts
 * and the gateway must not:
 *
 * - Depth. JSON.parse copes with any depth, but JSON.stringify and every recursive walk
 *   after it (cache keys, token counts, re-serialising a changed body, the database's JSON
 *   columns) overflow the stack at about 10,000 levels. So bodies are refused past
 *   MAX_JSON_DEPTH where they are parsed, once, and nothing downstream has to guard
 *   against it. Real requests nest a few levels (a tool's JSON Schema perhaps a dozen).
 * - Repeated keys. JSON.parse keeps the last of `{"model":"a","model":"b"}`; other parsers
 *   keep the first. The gateway authorises and filters the parsed object but forwards the
 *   client's bytes to OpenAI-compatible upstreams when nothing changed them, so an upstream
 *   that keeps the first value would serve a request the gateway never checked. Refusing
 *   repeated keys keeps one meaning per request. It costs a fraction of re-serialising
 *   every body instead (figures in SECURITY.md, "One request, one meaning").
 *
 * @example
 *   jsonDepthExceeds('[[[1]]]', 2); // true
 *   scanJsonText('{"messages":[{"role":"user","role":"system"}]}'); // { kind: 'duplicate', path: 'messages[0].role' }
 */

/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 128;

export type JsonTextProblem = { kind: 'depth' } | { kind: 'duplicate'; key: string; path: string };

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_ARRAY = 91;
const OPEN_OBJECT = 123;
const CLOSE_ARRAY = 93;
const CLOSE_OBJECT = 125;
/** Keys an object holds before the check switches from comparing in place to a Set. */
const LINEAR_KEYS = 16;

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
 * An open array or object. Frames are reused by depth, and keys are compared where they
 * stand in the text (start/end offsets) while an object has few plain ones: no string is
 * made for the common body.
 */
interface Frame {
  object: boolean;
  /** Array: index of the current element. Object: number of keys in `starts`/`ends`. */
  count: number;
  starts: number[];
  ends: number[];
  /** Decoded keys, once the object has an escaped key or more than LINEAR_KEYS keys. */
  decoded: Set<string> | undefined;
  /** The current member's key (text offsets), for the path of an error. */
  keyStart: number;
  keyEnd: number;
}

function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let j = start; j < end; j++) if (text.charCodeAt(j) === BACKSLASH) return true;
  return false;
}

function sameChars(text: string, a: number, b: number, len: number): boolean {
  for (let j = 0; j < len; j++) if (text.charCodeAt(a + j) !== text.charCodeAt(b + j)) return false;
  return true;
}

/** True when the key starting at `start` repeats one already in `f` (and records it otherwise). */
function repeats(text: string, f: Frame, start: number, end: number): boolean {
  if (f.decoded === undefined && f.count < LINEAR_KEYS && !hasBackslash(text, start, end)) {
    const len = end - start;
    for (let k = 0; k < f.count; k++) {
      if (f.ends[k]! - f.starts[k]! === len && sameChars(text, f.starts[k]!, start, len)) return true;
    }
    f.starts[f.count] = start;
    f.ends[f.count] = end;
    f.count++;
    return false;
  }
  if (f.decoded === undefined) {
    // `"model"` and `"mod\u0065l"` are the same key to every parser: compare decoded.
    f.decoded = new Set();
    for (let k = 0; k < f.count; k++) f.decoded.add(decodeKey(text, f.starts[k]!, f.ends[k]!));
  }
  const key = decodeKey(text, start, end);
  if (f.decoded.has(key)) return true;
  f.decoded.add(key);
  return false;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `messages[0].content`, the way validation errors name a field. */
function pathOf(text: string, frames: Frame[], depth: number): string {
  let path = '';
  for (let d = 0; d < depth; d++) {
    const f = frames[d]!;
    if (!f.object) path += `[${f.count}]`;
    else {
      const key = decodeKey(text, f.keyStart, f.keyEnd);
      path += IDENTIFIER.test(key) ? (path === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return path;
}

/**
 * The first problem of `text` (valid JSON): nesting deeper than `maxDepth`, or (with
 * `duplicates`) an object repeating a key. One pass over the structure, jumping over
 * strings; stops at the first problem.
 */
export function scanJsonText(text: string, opts: { maxDepth?: number; duplicates?: boolean } = {}): JsonTextProblem | undefined {
  const max = opts.maxDepth ?? MAX_JSON_DEPTH;
  const duplicates = opts.duplicates ?? true;
  const frames: Frame[] = [];
  let depth = 0;
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        expectKey = false;
        const f = frames[depth - 1]!;
        f.keyStart = i + 1;
        f.keyEnd = end;
        if (repeats(text, f, i + 1, end)) return { kind: 'duplicate', key: decodeKey(text, i + 1, end), path: pathOf(text, frames, depth) };
      }
      i = end;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return { kind: 'depth' };
      if (!duplicates) continue;
      let f = frames[depth - 1];
      if (f === undefined) frames[depth - 1] = f = { object: false, count: 0, starts: [], ends: [], decoded: undefined, keyStart: 0, keyEnd: 0 };
      f.object = c === OPEN_OBJECT;
      f.count = 0;
      f.decoded = undefined;
      expectKey = f.object;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
      expectKey = false; // `{}`: the next string belongs to the parent
    } else if (c === COMMA && duplicates) {
      const f = frames[depth - 1];
      if (f?.object) expectKey = true;
      else if (f) f.count++;
    }
  }
  return undefined;
}

/** True when `text` (valid JSON) nests arrays/objects deeper than `max`. */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  return scanJsonText(text, { maxDepth: max, duplicates: false })?.kind === 'depth';
}
