/**
 * The README's code runs (issue #10.7), so it cannot rot: every shell and TypeScript block
 * marked `<!-- docs-test: run -->` is executed against a real gateway started the
 * README's way — `npm start`'s command line on the shipped gateway.yaml, in a fresh folder,
 * with PORT=0 (`npm ci` is not run: this checkout is installed). Shell blocks run command
 * by command with curl (shell.ts), TypeScript blocks as files run by tsx (typescript.ts);
 * the output a block shows is checked. Blocks that cannot run here are marked skip with a
 * reason, or left unmarked; both are listed at the end.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, startShippedGateway, type ShippedGateway } from '../integration/clients/shipped-gateway.ts';
import { RUNNABLE_LANGS, shownOutput, snippets, type Snippet } from './snippets.ts';
import { prepare, runBash, shellSteps } from './shell.ts';
import { printedLines, runTypeScript, type TsRun } from './typescript.ts';

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const blocks = snippets(README).filter((s) => RUNNABLE_LANGS.has(s.lang));
const toRun = blocks.filter((s) => s.marker?.kind === 'run');
const isShell = (s: Snippet) => s.lang === 'sh' || s.lang === 'bash';
const where = (s: Snippet) => `README.md:${s.line} (${s.section})`;

/** Runs at most `n` jobs at once: TypeScript snippets start together, in a few processes. */
function pool(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (job) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

describe('README snippets run against the gateway the README starts', function () {
  this.timeout(60_000);
  let gw: ShippedGateway;
  const tsRuns = new Map<Snippet, Promise<TsRun>>();
  before(async () => {
    gw = await startShippedGateway();
    const limit = pool(2);
    for (const s of toRun.filter((b) => !isShell(b)))
      tsRuns.set(
        s,
        limit(() => runTypeScript(s.code, `readme-${s.line}`, gw.url)),
      );
  });
  after(async () => {
    await Promise.allSettled(tsRuns.values());
    const skipped = blocks.filter((s) => s.marker?.kind !== 'run' && s.marker?.kind !== 'start');
    console.log(`\n  README blocks not run here (${skipped.length}):`);
    for (const s of skipped) console.log(`    ${where(s)} ${s.lang}: ${s.marker?.kind === 'skip' ? s.marker.reason : 'unmarked'}`);
    await gw?.stop();
  });

  it('the quick start: its command is `npm start`, which serves the shipped gateway.yaml where the snippets say', () => {
    const start = blocks.filter((s) => s.marker?.kind === 'start');
    assert.equal(start.length, 1, 'one block is marked as the start command');
    assert.match(start[0]!.code.trim(), /(^|&& )npm start$/);
    const config = parse(readFileSync(path.join(ROOT, 'gateway.yaml'), 'utf8')) as { server: { port: number; host: string } };
    assert.equal(config.server.port, 8080, 'the snippets call localhost:8080');
    // The start-up line names the address really bound: the shipped config's loopback.
    assert.match(gw.url, new RegExp(`^http://${config.server.host.replaceAll('.', '\\.')}:\\d+$`));
  });

  it('the quick start, every client library and the Responses, Anthropic and admin examples are run', () => {
    const sections = new Set(toRun.map((s) => s.section));
    for (const s of ['Client libraries', 'Anthropic-compatible endpoint', 'Responses API', 'Admin API']) assert.ok(sections.has(s), `a block of "${s}" runs`);
    const firstSection = README.split('\n').findIndex((l) => l.startsWith('## ')) + 1;
    assert.ok(
      toRun.some((s) => s.line < firstSection && s.lang === 'sh'),
      'the quick start’s curl runs',
    );
  });

  for (const s of toRun)
    if (isShell(s))
      it(`${where(s)}: sh, command by command`, async () => {
        const env = { ...process.env };
        delete env.GATEWAY_ADMIN_KEY; // the shipped config has no admin key: loopback clients only
        const ids = new Map<string, string>();
        let prelude = '';
        let ran = 0;
        for (const step of shellSteps(s.code, s.line)) {
          const command = prepare(step.command, gw.url, ids);
          if (step.assignment) {
            prelude += `${command}\n`;
            continue;
          }
          const at = `README.md:${step.line} ${step.command.split('\n')[0]}`;
          const r = await runBash(prelude, command, env);
          assert.equal(r.code, 0, `${at} exited ${r.code}: ${r.stderr}`);
          const out = r.stdout.trim();
          ran++;
          if (step.shown) assert.match(out, shownOutput(step.shown), `${at}: the output shown`);
          if (out.startsWith('data:')) {
            assert.ok(out.endsWith('data: [DONE]'), `${at}: a stream that ends cleanly: ${out.slice(-200)}`);
            continue;
          }
          let json: any;
          assert.doesNotThrow(() => (json = JSON.parse(out)), `${at}: JSON, got ${out.slice(0, 200)}`);
          assert.ok(json.error == null, `${at}: an error: ${out}`);
          for (const k of step.keys ?? []) assert.ok(k in json, `${at}: the output has "${k}", as shown`);
          const id = typeof json.id === 'string' ? /^(team|user|key)_/.exec(json.id) : null;
          if (id) ids.set(id[1]!, json.id);
        }
        assert.ok(ran > 0, 'commands ran');
      });
    else
      it(`${where(s)}: ${s.lang}, with tsx`, async () => {
        const r = await tsRuns.get(s)!;
        assert.equal(r.code, 0, `exited ${r.code}:\n${r.stderr}`);
        const printed = r.stdout.trim() ? r.stdout.trim().split('\n') : [];
        const shown = printedLines(s.code);
        assert.equal(printed.length, shown.length, `prints ${shown.length} line(s) as shown (// → …), got:\n${r.stdout}`);
        shown.forEach((line, i) => assert.match(printed[i]!, shownOutput(line), `line ${i + 1} printed`));
      });
});
