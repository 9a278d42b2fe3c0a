/**
 * The parsed YAML made into a plain tree within the limits. js-yaml resolves an alias to
 * the very object its anchor made, so nine levels of nine aliases ("billion laughs") parse
 * into a few kilobytes that every later walk would visit nine to the ninth times. Copying
 * the tree counts nodes as the walks will see them and stops at the first limit, so such
 * a file is refused after 200,000 steps, not billions; the copy also means substitution
 * and defaults never write into a node shared by two places.
 */
import type { RawIssue } from './issues.ts';
import type { PathSegment } from './paths.ts';
import { overLimit, type ConfigLimits } from './limits.ts';

export interface CopyResult {
  tree: unknown;
  /** Over a structural limit (nodes, aliases, depth): the tree is unusable. */
  fatal?: RawIssue;
  /** Strings over the length limit (the tree is still whole). */
  issues: RawIssue[];
}

class LimitReached extends Error {
  constructor(readonly issue: RawIssue) {
    super(issue.message);
  }
}

/**
 * @example
 *   const a = ['x']; copyWithinLimits({ p: a, q: a }, limits) // { tree: { p: ['x'], q: ['x'] }, issues: [] } (2 copies)
 */
export function copyWithinLimits(root: unknown, limits: ConfigLimits): CopyResult {
  let nodes = 0;
  let aliases = 0;
  const seen = new WeakSet<object>();
  const path: PathSegment[] = [];
  const issues: RawIssue[] = [];

  function copy(node: unknown): unknown {
    if (++nodes > limits.maxNodes) {
      throw new LimitReached({ path: [], message: `too many nodes once aliases are expanded; ${overLimit('maxNodes', limits)}` });
    }
    if (typeof node === 'string') {
      if (node.length > limits.maxStringChars) {
        issues.push({
          path: [...path],
          at: 'value',
          message: `is ${node.length.toLocaleString('en-US')} characters long; ${overLimit('maxStringChars', limits)}`,
        });
      }
      return node;
    }
    if (node === null || typeof node !== 'object') return node;
    if (seen.has(node) && ++aliases > limits.maxAliases) {
      throw new LimitReached({ path: [], message: `too many alias expansions (*name); ${overLimit('maxAliases', limits)}` });
    }
    seen.add(node);
    if (path.length >= limits.maxDepth) {
      throw new LimitReached({ path: [...path], message: `nested too deeply; ${overLimit('maxDepth', limits, ' levels')}` });
    }
    if (Array.isArray(node)) {
      const out: unknown[] = new Array(node.length);
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        out[i] = copy(node[i]);
        path.pop();
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      path.push(key);
      // defineProperty: a `__proto__` key stays a key instead of replacing the prototype.
      Object.defineProperty(out, key, { value: copy((node as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
      path.pop();
    }
    return out;
  }

  try {
    return { tree: copy(root), issues };
  } catch (err) {
    if (err instanceof LimitReached) return { tree: undefined, fatal: err.issue, issues: [] };
    throw err;
  }
}
