/**
 * The code blocks of the README and what to do with each, read from the HTML comment
 * right above its fence (invisible on GitHub):
 *   <!-- docs-test: run -->            execute it against the gateway (sh, ts)
 *   <!-- docs-test: start -->          the command that starts the gateway (npm start)
 *   <!-- docs-test: skip <reason> -->  cannot run here: listed with the reason
 * Blocks in sh/ts without a marker are listed as skipped, unmarked; config and data
 * blocks (yaml, json…) are not snippets to run.
 *
 * @example
 *   snippets(readme).filter((s) => s.marker?.kind === 'run')
 */

export const RUNNABLE_LANGS = new Set(['sh', 'bash', 'ts', 'typescript', 'js']);

export type Marker = { kind: 'run' } | { kind: 'start' } | { kind: 'skip'; reason: string };

export interface Snippet {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The `##`/`###` heading it sits under. */
  section: string;
  marker: Marker | undefined;
}

const MARKER = /^<!--\s*docs-test:\s*(run|start|skip)\b\s*(.*?)\s*-->$/;

export function snippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const out: Snippet[] = [];
  let section = 'quick start';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,4} (.+)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    const fence = /^(\s*)```(\w*)/.exec(lines[i]!);
    if (!fence) continue;
    const indent = fence[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    out.push({ line: start + 1, lang: fence[2]!, code: body.join('\n'), section, marker: markerAbove(lines, start) });
  }
  return out;
}

function markerAbove(lines: string[], fence: number): Marker | undefined {
  const m = MARKER.exec((lines[fence - 1] ?? '').trim());
  if (!m) return undefined;
  if (m[1] === 'skip') {
    if (!m[2]) throw new Error(`README.md:${fence}: a docs-test skip needs its reason`);
    return { kind: 'skip', reason: m[2] };
  }
  return { kind: m[1] as 'run' | 'start' };
}

/**
 * A line of expected output as a pattern: `…` stands for anything (lazily), the rest is
 * literal, the whole must match.
 */
export function shownOutput(shown: string): RegExp {
  const parts = shown.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*?')}$`, 's');
}
