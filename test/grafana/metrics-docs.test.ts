import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARD_DIR } from './promql.ts';

const REPO = path.resolve(DASHBOARD_DIR, '../..');

/** `name: 'gateway_…'` in every .ts under src/ and plugins/ (tests excluded). */
function metricsInCode(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
        continue;
      }
      if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
      for (const m of readFileSync(p, 'utf8').matchAll(/name:\s*'(gateway_[a-z0-9_]+)'/g)) found.set(m[1]!, path.relative(REPO, p));
    }
  };
  walk(path.join(REPO, 'src'));
  walk(path.join(REPO, 'plugins'));
  return found;
}

describe('grafana: the metrics table in README.md matches the code', () => {
  let documented: Set<string>, inCode: Map<string, string>;
  before(() => {
    const docs = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    documented = new Set([...docs.matchAll(/^\| `(gateway_[a-z0-9_]+)` \|/gm)].map((m) => m[1]!));
    inCode = metricsInCode();
  });

  it('documents every metric the code defines', () => {
    assert.ok(inCode.size >= 20, `only ${inCode.size} metrics found in the code: the scan is broken`);
    const missing = [...inCode].filter(([name]) => !documented.has(name)).map(([name, file]) => `${name} (${file})`);
    assert.deepEqual(missing, [], 'add these to the metrics table');
  });

  it('documents no metric the code does not define', () => {
    assert.deepEqual(
      [...documented].filter((name) => !inCode.has(name)),
      [],
    );
  });
});
