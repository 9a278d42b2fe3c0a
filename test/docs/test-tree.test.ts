/**
 * README (Development, Layout): "the test tree mirrors src/". Every folder holding a test
 * under test/engine/ or test/plugins/ names a src/ folder: test/engine/<path> is
 * src/engine/<path>, test/plugins/<name>/<path> is src/plugins-builtin/<name>/<path>.
 * The other top-level folders are the ones README lists beside them; a new one is a
 * README change first. And every benchmark is one `npm run bench` runs: each
 * test/bench/<name>.ts exporting `bench` is named in run.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

const BESIDE = ['integration', 'plugin-api', 'deploy', 'docs', 'grafana', 'bench', 'helpers', 'fixtures'];

function testFolders(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFolders(rel));
    else if (entry.name.endsWith('.test.ts') && !out.includes(dir)) out.push(dir);
  }
  return out;
}

const isDir = (rel: string) => existsSync(path.join(ROOT, rel)) && statSync(path.join(ROOT, rel)).isDirectory();

describe('the test tree mirrors src/', function () {
  it('has no top-level folder but engine/, plugins/ and the ones README lists', function () {
    const top = readdirSync(path.join(ROOT, 'test'), { withFileTypes: true }).filter((e) => e.isDirectory());
    assert.deepEqual(
      top.map((e) => e.name).filter((n) => n !== 'engine' && n !== 'plugins' && !BESIDE.includes(n)),
      [],
    );
  });

  it('puts every test under test/engine/ and test/plugins/ in the folder of a src/ folder', function () {
    const strays = [
      ...testFolders('test/engine').filter((d) => !isDir(d.replace(/^test\/engine/, 'src/engine'))),
      ...testFolders('test/plugins').filter((d) => !isDir(d.replace(/^test\/plugins/, 'src/plugins-builtin'))),
    ];
    assert.deepEqual(strays, []);
  });

  it('runs every benchmark file under npm run bench', function () {
    const run = readFileSync(path.join(ROOT, 'test/bench/run.ts'), 'utf8');
    const benches = readdirSync(path.join(ROOT, 'test/bench')).filter((f) =>
      /^export async function bench\(/m.test(readFileSync(path.join(ROOT, 'test/bench', f), 'utf8')),
    );
    assert.ok(benches.length >= 8, `found ${benches.length} benchmark files`);
    assert.deepEqual(
      benches.filter((f) => !run.includes(`import('./${f}')`)),
      [],
    );
  });
});
