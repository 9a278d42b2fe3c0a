/**
 * Dotted field paths (`metadata.team`, `choices.*.logprobs`): parsed once at load, then
 * read, written and removed per request with no parsing and no string work.
 *
 * @example
 *   const p = parsePath('choices.*.logprobs', { wildcard: true });   // ['choices', '*', 'logprobs']
 *   without({ choices: [{ logprobs: null, index: 0 }] }, p)           // { choices: [{ index: 0 }] }
 */

export type FieldPath = readonly string[];

// Keys that would reach Object.prototype through an assignment: never a path segment.
const UNSAFE = new Set(['__proto__', 'prototype', 'constructor']);
const SEGMENT = /^[^.\s*]+$/;

/**
 * Parse a dotted path; returns an error message (no value quoted: paths come from config,
 * but the message names the rule, which is enough) when it is not usable.
 */
export function parsePath(text: string, opts: { wildcard: boolean }): FieldPath | string {
  const segs = text.split('.');
  // `*.x` would reach every top-level field, `model` and `messages` included.
  if (segs[0] === '*') return 'a path cannot start with `*`';
  for (const s of segs) {
    if (s === '*') {
      if (!opts.wildcard) return 'a `*` segment is allowed in remove paths only';
      continue;
    }
    if (!SEGMENT.test(s)) return 'is not a dotted path of field names (no empty segments, spaces or `*` inside a name)';
    if (UNSAFE.has(s)) return `"${s}" cannot be a path segment`;
  }
  return segs;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value at `path`, or undefined when any step is missing. */
export function getAt(root: unknown, path: FieldPath): unknown {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (!isObject(node)) return undefined;
    node = node[path[i]!];
  }
  return node;
}

/** Write `value` at `path` in place, making (or replacing non-object) parents as needed. */
export function setAt(root: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let node = root;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const k = path[i]!;
    let next = node[k];
    if (!isObject(next)) node[k] = next = {};
    node = next as Record<string, unknown>;
  }
  node[path[last]!] = value;
}

/**
 * `root` without the field(s) at `path`, copying only the containers on the way to a
 * removed field: the same reference comes back when nothing was there, so a caller can
 * tell "unchanged" by identity (and keep forwarding the upstream's bytes). Shared
 * objects (a cached response body) are never modified.
 */
export function without(root: unknown, path: FieldPath, i = 0): unknown {
  if (root === null || typeof root !== 'object') return root;
  const seg = path[i]!;
  const last = i === path.length - 1;
  if (seg === '*') {
    if (Array.isArray(root)) {
      if (last) return root.length ? [] : root;
      let out: unknown[] | undefined;
      for (let j = 0; j < root.length; j++) {
        const next = without(root[j], path, i + 1);
        if (next !== root[j]) (out ??= root.slice())[j] = next;
      }
      return out ?? root;
    }
    const obj = root as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      if (last) return {};
      const next = without(obj[k], path, i + 1);
      if (next !== obj[k]) (out ??= { ...obj })[k] = next;
    }
    return out ?? root;
  }
  if (Array.isArray(root) || !Object.hasOwn(root, seg)) return root;
  const obj = root as Record<string, unknown>;
  if (last) {
    const { [seg]: _removed, ...rest } = obj;
    return rest;
  }
  const next = without(obj[seg], path, i + 1);
  return next === obj[seg] ? root : { ...obj, [seg]: next };
}
