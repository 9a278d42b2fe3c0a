/**
 * `llm-gateway plugin new <name>`, run as a user runs it (the CLI in a child process, from
 * the sources), into a temp project whose node_modules links this checkout: the folder it
 * writes imports only the public entries, and its own test passes unedited. Bad names and
 * existing folders are refused with a message. The published-package run is in dist.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { badPluginName } from '../../src/plugin/scaffold.ts';
import { BIN, ROOT, linkDependency, linkSourcePackage, makeProject } from './helpers/project.ts';

const cli = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/llm-gateway.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH!, HOME: os.tmpdir() },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('plugin API: `llm-gateway plugin new`', function () {
  this.timeout(60_000);
  let project: string;
  beforeEach(() => {
    project = makeProject('scaffold');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('scaffolds plugins/<name>/ importing only llm-gateway/plugin and llm-gateway/testing, and its test passes unedited', () => {
    const made = cli(['plugin', 'new', 'latency-tag'], project);
    assert.equal(made.status, 0, made.stderr);
    assert.match(
      made.stdout,
      /created plugins\/latency-tag\/index\.ts, plugins\/latency-tag\/schema\.json, plugins\/latency-tag\/index\.test\.ts, plugins\/latency-tag\/README\.md/,
    );
    const dir = path.join(project, 'plugins/latency-tag');
    assert.deepEqual(readdirSync(dir).sort(), ['README.md', 'index.test.ts', 'index.ts', 'schema.json']);
    for (const file of ['index.ts', 'index.test.ts']) {
      const imports = [...readFileSync(path.join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) assert.match(spec, /^(llm-gateway\/(plugin|testing)|\.\/.+|node:.+)$/, `${file} imports ${spec}`);
    }
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'schema.json'), 'utf8')).properties.header.default, 'x-latency-tag-ms');

    linkSourcePackage(project);
    linkDependency(project, 'tsx');
    const test = spawnSync(BIN('mocha'), ['--import=tsx/esm', '--conditions=llm-gateway-source', 'plugins/latency-tag/index.test.ts'], {
      cwd: project,
      env: { PATH: process.env.PATH!, HOME: os.tmpdir() },
      encoding: 'utf8',
    });
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /3 passing/);
  });

  it('--dir names the project folder', () => {
    const made = cli(['plugin', 'new', 'p1', '--dir', project], os.tmpdir());
    assert.equal(made.status, 0, made.stderr);
    assert.ok(existsSync(path.join(project, 'plugins/p1/index.ts')));
  });

  it('names: lower-case words of letters and digits joined by single hyphens, starting with a letter, at most 50', () => {
    for (const good of ['tagger', 'request-tagger', 'a1-b2', 'x'.repeat(50)]) assert.equal(badPluginName(good), undefined, good);
    for (const bad of ['My_Plugin', 'Tagger', '1tagger', 'a--b', 'tagger-', '-tagger', 'tag.ger', '../up', 'x'.repeat(51), '']) {
      assert.ok(badPluginName(bad), bad);
    }
  });

  it('refuses a bad name with a clear message, writing nothing', () => {
    for (const name of ['My_Plugin', '../up', 'x'.repeat(51)]) {
      const r = cli(['plugin', 'new', name], project);
      assert.equal(r.status, 1, name);
      assert.match(r.stderr, /^llm-gateway plugin new: plugin name ".+" (is not valid: use lower-case letters, digits and single hyphens|is too long)/, name);
    }
    assert.ok(!existsSync(path.join(project, 'plugins')) || readdirSync(path.join(project, 'plugins')).length === 0);
  });

  it('refuses an existing folder and leaves it as it was', () => {
    mkdirSync(path.join(project, 'plugins/tagger'), { recursive: true });
    writeFileSync(path.join(project, 'plugins/tagger/index.ts'), '// mine\n');
    const r = cli(['plugin', 'new', 'tagger'], project);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /plugins\/tagger already exists; choose another name/);
    assert.deepEqual(readdirSync(path.join(project, 'plugins/tagger')), ['index.ts']);
    assert.equal(readFileSync(path.join(project, 'plugins/tagger/index.ts'), 'utf8'), '// mine\n');
  });

  it('without a name, prints the usage and exits 2', () => {
    const r = cli(['plugin', 'new'], project);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /llm-gateway plugin new <name> \[--dir \.\]/);
    assert.equal(cli(['plugin', 'old', 'x'], project).status, 2);
  });
});
