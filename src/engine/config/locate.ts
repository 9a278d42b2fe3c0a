/**
 * Turns issue paths into file positions. Only runs when something is wrong: a valid config
 * is parsed once by js-yaml, and this second, position-keeping parse (the `yaml` package's
 * CST, which never expands aliases) is paid only to print errors. Runs in the config
 * worker, beside the text.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { formatPath, type ConfigPath } from './paths.ts';
import type { ConfigIssue, RawIssue } from './issues.ts';

interface Position {
  line: number;
  column: number;
}

/**
 * Locate raw issues in `text` and sort them in file order.
 *
 * @example
 *   locateIssues('a:\n  b: x\n', 'f.yaml', [{ path: ['a', 'b'], message: 'must be integer' }])
 *   // [{ file: 'f.yaml', line: 2, column: 3, path: 'a.b', message: 'must be integer' }]
 */
export function locateIssues(text: string, file: string, raw: readonly RawIssue[]): ConfigIssue[] {
  const lineCounter = new LineCounter();
  // Only parsed when some issue needs a position from it: a file refused for its size
  // (reported at 1:1) is never parsed at all.
  const doc = raw.some((r) => !r.pos && r.path.length) ? parseQuietly(text, lineCounter) : undefined;
  const issues = raw.map(function locateOne(r): ConfigIssue {
    const offset = doc && !r.pos ? findOffset(doc, r.path, r.at ?? 'key') : undefined;
    const pos: Position = r.pos ?? (offset === undefined ? { line: 1, column: 1 } : toPosition(lineCounter, offset));
    return { file, ...pos, path: formatPath(r.path), message: r.message };
  });
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function parseQuietly(text: string, lineCounter: LineCounter): Document | undefined {
  try {
    return parseDocument(text, { lineCounter, merge: true });
  } catch {
    return undefined; // positions fall back to 1:1; the issues themselves still stand
  }
}

function toPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/**
 * Walk the document along `path`. When a segment is missing (a required property, or a
 * default the validator added) the deepest node that exists is the answer.
 */
function findOffset(doc: Document, path: ConfigPath, at: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    node = resolveAlias(doc, node);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return offset;
      node = pair.value;
      offset = (at === 'key' ? rangeStart(pair.key) : undefined) ?? rangeStart(pair.value) ?? offset;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function resolveAlias(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function rangeStart(node: unknown): number | undefined {
  if (isPair(node)) return rangeStart(node.key);
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
