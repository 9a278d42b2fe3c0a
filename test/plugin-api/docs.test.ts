/**
 * docs/plugins.md's complete example runs: its "A plugin in one file" block, written to a
 * project as it says (`plugins/stamp/index.ts`), type-checks against llm-gateway/plugin
 * and, configured as its YAML block says, stamps answers in a real gateway.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { startPluginHarness, type AnyPluginDefinition } from 'llm-gateway/testing';
import { BIN, ROOT, linkDependency, linkSourcePackage, makeProject } from './helpers/project.ts';

const GUIDE = readFileSync(path.join(ROOT, 'docs/plugins.md'), 'utf8');

/** The fenced blocks of one section, by language. */
function blocks(section: string, lang: string): string[] {
  const start = GUIDE.indexOf(`\n## ${section}\n`);
  assert.notEqual(start, -1, `docs/plugins.md has a "${section}" section`);
  const end = GUIDE.indexOf('\n## ', start + 1);
  const text = GUIDE.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

describe('plugin API: docs/plugins.md', function () {
  this.timeout(60_000);
  let project: string;
  before(() => {
    project = makeProject('docs');
    linkSourcePackage(project);
    linkDependency(project, '@types/node');
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('the one-file plugin type-checks and stamps answers as its config says', async () => {
    const [code] = blocks('A plugin in one file', 'ts');
    const [yaml] = blocks('A plugin in one file', 'yaml');
    const file = /^\/\/ (plugins\/\S+)/.exec(code!)![1]!;
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), code!);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          customConditions: ['llm-gateway-source'],
          // Source mode: tsc reads the gateway's own .ts files, which need what its tsconfig has.
          allowImportingTsExtensions: true,
          resolveJsonModule: true,
          skipLibCheck: true,
        },
        include: ['plugins'],
      }),
    );
    const tsc = spawnSync(BIN('tsc'), ['-p', '.'], { cwd: project, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);

    const entry = (parse(yaml!) as { pipeline: Array<{ use: string; config?: Record<string, unknown> }> }).pipeline[0]!;
    assert.equal(entry.use, `./${path.dirname(file)}`);
    const plugin = ((await import(pathToFileURL(path.join(project, file)).href)) as { default: AnyPluginDefinition }).default;
    const h = await startPluginHarness({ plugin, config: entry.config });
    try {
      const r = await h.chat();
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-stamp'), entry.config!.value);
    } finally {
      await h.close();
    }
  });
});
