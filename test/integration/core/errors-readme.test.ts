/**
 * The README's "Errors" section says what clients receive: its status table must match
 * the registry (src/engine/errors.ts) both ways, and its mid-stream table must match what
 * real broken streams produce — a cut connection, a stream that ends early, a silent one.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { ERRORS, anthropicErrorType } from '../../../src/engine/errors.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startUpstream, startSse, type FakeUpstream } from '../../plugins/provider/helpers/upstream.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const section = /\n## Errors\n([\s\S]*?)\n## /.exec(readFileSync(path.join(ROOT, 'README.md'), 'utf8'))![1]!;

/** Rows of the section's tables: each row's cells, header and separator lines skipped. */
function rows(): string[][] {
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    )
    .filter((cells) => !cells[0]!.startsWith('status') && !cells[0]!.startsWith('mid-stream'));
}
/** The backticked codes of a cell; asides in parentheses (`param`, `Retry-After`) are not codes. */
const codesIn = (cell: string) => [...cell.replace(/\([^)]*\)/g, '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
const statusRows = rows().filter((r) => /^\d{3}$/.test(r[0]!));
const streamRows = rows().filter((r) => !/^\d{3}$/.test(r[0]!));

/** Codes registered but raised nowhere in src/ need no row; anything raised does. */
function raisedInSrc(code: string): boolean {
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('errors.ts'));
  return files.some((f) => readFileSync(path.join(ROOT, 'src', f), 'utf8').includes(`'${code}'`));
}

describe('README "Errors" matches what is sent', () => {
  it('every code in the status table has that status in the registry, and the Anthropic type it is sent with', () => {
    assert.ok(statusRows.length >= 10, 'the table was found');
    for (const [status, codes, anthropicType] of statusRows) {
      assert.deepEqual(codesIn(anthropicType!), [anthropicErrorType(Number(status))], `Anthropic type of ${status}`);
      for (const code of codesIn(codes!)) {
        const specs = Object.values(ERRORS).filter((e) => e.publicCode === code);
        assert.ok(specs.length > 0, `${code} is in the registry`);
        for (const spec of specs) assert.equal(spec.status, Number(status), `${code} is sent with ${spec.status}`);
      }
    }
  });

  it('every code the gateway raises has its row', () => {
    const documented = new Set(statusRows.flatMap((r) => codesIn(r[1]!)));
    for (const [name, spec] of Object.entries(ERRORS)) {
      if (!documented.has(spec.publicCode)) assert.equal(raisedInSrc(name), false, `${name} (${spec.publicCode}) is raised but not in the README table`);
    }
  });

  describe('the mid-stream table, against real broken streams', () => {
    let up: FakeUpstream;
    let gw: TestGateway;
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    const scripts: Record<string, (res: ServerResponse) => void> = {
      cut: (res) => {
        res.write(chunk('Half'));
        setTimeout(() => res.destroy(), 20);
      },
      early: (res) => res.end(chunk('Half')),
      silent: (res) => res.write(chunk('Half')),
    };
    before(async () => {
      up = await startUpstream();
      up.handler = (_req, res, rec) => {
        startSse(res);
        scripts[rec.json.model as string]!(res);
      };
      gw = await startTestGateway(`version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers:
  oai: { type: openai, base_url: "${up.url}/v1", api_key: "sk-upstream-secret-000000", timeouts: { idle_ms: 300 } }
models:
${Object.keys(scripts)
  .map((m) => `  - { name: ${m}, provider: oai, model: ${m}, capabilities: [chat, stream] }`)
  .join('\n')}
pipeline: [ { use: provider } ]
`);
    });
    after(async () => {
      await gw.stop();
      await up.close();
    });

    /** The code of the error event that ends a streamed answer of `model`. */
    async function errorCodeOf(model: string): Promise<string> {
      const r = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const events = (await r.text()).split('\n\n').filter(Boolean);
      assert.ok(!events.includes('data: [DONE]'), 'never a clean end');
      return JSON.parse(events.at(-1)!.slice(6)).error.code;
    }

    const documentedFor = (words: RegExp) => {
      const row = streamRows.find((r) => words.test(r[0]!));
      assert.ok(row, `a row for ${words}`);
      return codesIn(row[1]!)[0];
    };

    it('a connection cut mid-answer', async () => {
      assert.equal(await errorCodeOf('cut'), documentedFor(/cut or reset/));
    });
    it('a stream that ends before its end marker', async () => {
      assert.equal(await errorCodeOf('early'), documentedFor(/ends cleanly but before its end marker/));
    });
    it('a stream that goes silent', async () => {
      assert.equal(await errorCodeOf('silent'), documentedFor(/idle_ms/));
    });
  });
});
