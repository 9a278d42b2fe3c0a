/**
 * The client matrix's printed summary: one line per library × upstream, one column per
 * feature, then every exception with its reason — so a missing or failing cell is seen
 * at a glance in the test output.
 */
import { FEATURES, type Cell, type Feature } from './cells.ts';
import type { UpstreamId } from './upstreams.ts';

export type Outcome = 'pass' | 'fail' | 'skip' | 'deviation';

const SYMBOL: Record<Outcome | 'not run', string> = {
  pass: '✅',
  fail: '❌',
  skip: '–',
  deviation: '≈',
  'not run': '?',
};

/** Pads a symbol to a column of 10 terminal cells: the emoji take two. */
const padCell = (symbol: string) => symbol + ' '.repeat(10 - (/[✅❌]/u.test(symbol) ? 2 : 1));

export class Summary {
  private readonly outcomes = new Map<string, Outcome>();
  /** Exception reason → its kind and where it applies (client × feature → upstreams). */
  private readonly notes = new Map<string, { cell: Cell; where: Map<string, UpstreamId[]> }>();

  record(client: string, upstream: UpstreamId, feature: Feature, outcome: Outcome, cell: Cell): void {
    this.outcomes.set(`${client}|${upstream}|${feature}`, outcome);
    if (cell.kind === 'run') return;
    const note = this.notes.get(cell.reason) ?? { cell, where: new Map<string, UpstreamId[]>() };
    const at = `${client} × ${feature}`;
    note.where.set(at, [...(note.where.get(at) ?? []), upstream]);
    this.notes.set(cell.reason, note);
  }

  count(outcome: Outcome): number {
    return [...this.outcomes.values()].filter((o) => o === outcome).length;
  }

  render(clients: readonly string[], upstreams: readonly UpstreamId[]): string {
    const width = Math.max(...clients.map((c) => c.length));
    const head = `${'client'.padEnd(width)}  ${'upstream'.padEnd(9)}  ${FEATURES.map((f) => f.padEnd(10)).join(' ')}`;
    const lines = ['Client matrix: ✅ passed · ≈ passed, one documented difference · – not applicable · ❌ failed · ? not run', head, '-'.repeat(head.length)];
    for (const c of clients)
      for (const u of upstreams) {
        const cells = FEATURES.map((f) => padCell(SYMBOL[this.outcomes.get(`${c}|${u}|${f}`) ?? 'not run']));
        lines.push(`${(u === upstreams[0] ? c : '').padEnd(width)}  ${u.padEnd(9)}  ${cells.join(' ')}`);
      }
    lines.push(
      '',
      `${this.count('pass')} passed, ${this.count('deviation')} with a documented difference, ${this.count('skip')} not applicable, ${this.count('fail')} failed`,
    );
    for (const [reason, { cell, where }] of this.notes)
      lines.push('', `${SYMBOL[cell.kind as Outcome]} ${reason}`, ...[...where].map(([at, ups]) => `    ${at}: ${ups.join(', ')}`));
    return lines.join('\n');
  }
}
