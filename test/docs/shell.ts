/**
 * Runs a README shell snippet as a reader would paste it, one command at a time, against
 * a running gateway:
 * - `localhost:8080` becomes the gateway's address;
 * - variable assignments (`A=…; G=…`) are kept and run before every later command;
 * - a placeholder id (`team_…`, `user_…`, `key_…`) becomes the id of that kind the
 *   snippet's earlier commands created, as a reader would paste it in;
 * - a comment right under a command that shows its output — `# {"id":…}` (`…` for
 *   anything) or `# -> { choice, candidates (…), … }` (its top-level keys) — is checked.
 */
import { execFile } from 'node:child_process';

export interface ShellStep {
  /** README line of the command's first line. */
  line: number;
  command: string;
  /** Only assignments: the prelude of the commands after it. */
  assignment: boolean;
  /** A shown output line (`# {…}`), `…` standing for anything. */
  shown?: string;
  /** Top-level keys a `# -> { … }` comment names. */
  keys?: string[];
}

/** The commands of a snippet: continuation lines and multi-line quoted strings joined. */
export function shellSteps(code: string, firstLine: number): ShellStep[] {
  const steps: ShellStep[] = [];
  let buf: string[] = [];
  let quote: '' | "'" | '"' = '';
  let at = 0;
  code.split('\n').forEach((text, i) => {
    const trimmed = text.trim();
    if (!buf.length) {
      if (!trimmed) return;
      if (trimmed.startsWith('#')) return annotate(steps.at(-1), trimmed);
      at = firstLine + 1 + i;
    }
    buf.push(text);
    quote = quoteStateAfter(text, quote);
    if (quote || trimmed.endsWith('\\')) return;
    const command = buf.join('\n');
    steps.push({ line: at, command, assignment: /^[A-Za-z_]\w*=/.test(command) && !/\bcurl\b/.test(command) });
    buf = [];
  });
  if (buf.length) throw new Error(`README.md:${at}: unterminated command`);
  return steps;
}

function annotate(step: ShellStep | undefined, comment: string): void {
  if (!step) return;
  const shown = /^#\s*([{[].*)$/.exec(comment);
  if (shown) step.shown = shown[1]!;
  const keys = /^#\s*->\s*\{(.*)\}\s*$/.exec(comment);
  if (keys)
    step.keys = keys[1]!
      .replace(/\([^)]*\)/g, '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
}

/** Which quote is open at the end of a line (bash rules: no escapes inside single quotes). */
function quoteStateAfter(line: string, open: '' | "'" | '"'): '' | "'" | '"' {
  let q = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q !== "'" && c === '\\') i++;
    else if (!q && c === '#' && (i === 0 || /\s/.test(line[i - 1]!)))
      break; // an inline comment
    else if (!q && (c === "'" || c === '"')) q = c;
    else if (q === c) q = '';
  }
  return q;
}

/** The command as it runs here: this gateway's address, earlier ids in place of placeholders. */
export function prepare(command: string, gateway: string, ids: ReadonlyMap<string, string>): string {
  const host = new URL(gateway).host;
  return command
    .replaceAll('http://localhost:8080', gateway)
    .replaceAll('localhost:8080', host)
    .replace(/\b(team|user|key)_…/g, (placeholder, kind: string) => {
      const id = ids.get(kind);
      if (!id) throw new Error(`${placeholder}: no ${kind} was created by an earlier command`);
      return id;
    });
}

/** Runs a command after the prelude in bash; resolves with its exit code and output. */
export function runBash(prelude: string, command: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${prelude}\n${command}`], { env, timeout: 15_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
