/**
 * The module registry: what `use:` (plugins) and `type:` (provider adapters) may name, and
 * that nothing else is run — not at validate time, not on a reload that is then refused.
 * Every module here is written to a temp folder and records in a global when its code runs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAdapter, loadPlugin, moduleScope, ModuleLoadError } from '../../src/engine/registry.ts';
import { ConfigError, validateConfigText } from '../../src/engine/config/index.ts';
import { providerIssues } from '../../src/engine/provider-checks.ts';

const GATEWAY_ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const ran = globalThis as { __registryRan?: string[] };

/** An ES module that records `tag` when it runs, and default-exports a plugin definition. */
function pluginSource(tag: string, engine = '^1.0.0'): string {
  return `(globalThis.__registryRan ??= []).push(${JSON.stringify(tag)});
export default { name: ${JSON.stringify(tag)}, version: '1.0.0', engine: ${JSON.stringify(engine)}, configSchema: { type: 'object' }, create() { return {}; } };
`;
}

async function writeModule(dir: string, rel: string, source: string): Promise<string> {
  const file = path.join(dir, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, source);
  return file;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ModuleLoadError, `expected ModuleLoadError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the module to be refused');
}

describe('module registry (plugins and adapters)', function () {
  let base: string; // holds config/ and outside/
  let configDir: string;
  let outside: string;

  before(async function () {
    base = await mkdtemp(path.join(os.tmpdir(), 'gw-registry-'));
    configDir = path.join(base, 'config');
    outside = path.join(base, 'outside');
    await writeModule(base, 'config/package.json', '{ "type": "module" }');
    await writeModule(base, 'outside/package.json', '{ "type": "module" }');
    await writeModule(base, 'config/plugins/good/index.js', pluginSource('good'));
    await writeModule(base, 'outside/evil/index.js', pluginSource('evil'));
    await writeModule(base, 'outside/linked/index.js', pluginSource('linked'));
    await symlink(path.join(outside, 'linked'), path.join(configDir, 'plugins', 'link'));
    await writeModule(base, 'config/plugins/future/index.js', pluginSource('future', '>=2 <3'));
    await writeModule(base, 'config/plugins/nonsense/index.js', pluginSource('nonsense', 'one point oh'));
    await writeModule(base, 'config/plugins/ranged/index.js', pluginSource('ranged', '>=1 <3'));
    await writeModule(
      base,
      'config/node_modules/@acme/gw-plugin/package.json',
      JSON.stringify({ name: '@acme/gw-plugin', type: 'module', exports: { '.': { import: './dist/main.js' } } }),
    );
    await writeModule(base, 'config/node_modules/@acme/gw-plugin/dist/main.js', pluginSource('package'));
    await writeModule(base, 'config/other-root/tool/index.js', pluginSource('other-root'));
  });

  after(async function () {
    await rm(base, { recursive: true, force: true });
  });

  beforeEach(function () {
    ran.__registryRan = [];
  });

  it('loads built-ins, paths inside ./plugins and installed packages', async function () {
    const scope = moduleScope(configDir);
    assert.equal((await loadPlugin('metrics', scope)).name, 'metrics');
    assert.equal((await loadPlugin('./plugins/good', scope)).name, 'good');
    assert.equal((await loadPlugin('@acme/gw-plugin', scope)).name, 'package');
    assert.equal((await loadPlugin(path.join(configDir, 'plugins/good'), scope)).name, 'good', 'an absolute path inside a root');
    assert.equal((await loadAdapter('mock', scope)).type, 'mock');
  });

  it('refuses data: and other URLs, absolute paths elsewhere, .. escapes and symlinks out, before running them', async function () {
    const scope = moduleScope(configDir);
    const cases: Array<[string, RegExp]> = [
      ['data:text/javascript,globalThis.__registryRan.push("data");export default {}', /URLs are not accepted/],
      [`file://${path.join(outside, 'evil/index.js')}`, /URLs are not accepted/],
      [path.join(outside, 'evil'), /outside the plugin roots \(\.\/plugins\/\)/],
      ['../outside/evil', /outside the plugin roots/],
      ['./plugins/../../outside/evil', /outside the plugin roots/],
      ['./plugins/link', /outside the plugin roots/],
    ];
    for (const [use, message] of cases) {
      assert.match(await refusal(loadPlugin(use, scope)), message, use);
      assert.match(await refusal(loadAdapter(use, scope)), message, `type: ${use}`);
    }
    assert.deepEqual(ran.__registryRan, [], 'no refused module ran');
  });

  it('refuses them when a config is checked (validate and every reload run this), with nothing run', async function () {
    const text = `version: 1
providers: { local: { type: mock }, bad: { type: ../outside/evil } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - use: "data:text/javascript,globalThis.__registryRan.push('data');export default {}"
  - use: ${path.join(outside, 'evil')}
  - use: ./plugins/link
  - use: provider
`;
    const file = path.join(configDir, 'gateway.yaml');
    let err: unknown;
    await validateConfigText(text, file, { env: {}, extraChecks: (c) => providerIssues(c, configDir) }).catch((e: unknown) => (err = e));
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(
      err.issues.map((i) => `${i.line} ${i.path}`),
      ['2 providers.bad.type', '5 pipeline[0].use', '6 pipeline[1].use', '7 pipeline[2].use'],
    );
    assert.deepEqual(ran.__registryRan, []);
  });

  it('names the built-ins for an unknown name, suggests the near one, and shows no gateway path', async function () {
    const message = await refusal(loadPlugin('validaton', moduleScope(configDir)));
    assert.match(message, /^unknown plugin "validaton" \(did you mean "validation"\?\)/);
    assert.match(
      message,
      /Built-in: audit, auth, budget, content-filter, metrics, provider, rate-limit, router, semantic-cache, tracing, transform, validation;/,
    );
    assert.ok(!message.includes(GATEWAY_ROOT), message);
    assert.ok(!message.includes('registry.ts'), message);
    assert.match(await refusal(loadAdapter('opneai', moduleScope(configDir))), /^unknown provider type "opneai" \(did you mean "openai"\?\)/);
  });

  it('accepts paths under configured plugin roots', async function () {
    await assert.rejects(loadPlugin('./other-root/tool', moduleScope(configDir)), /outside the plugin roots/);
    const def = await loadPlugin('./other-root/tool', moduleScope(configDir, ['./plugins', './other-root']));
    assert.equal(def.name, 'other-root');
  });

  it("checks a plugin's engine as a semver range", async function () {
    const scope = moduleScope(configDir);
    assert.equal((await loadPlugin('./plugins/ranged', scope)).name, 'ranged');
    assert.match(await refusal(loadPlugin('./plugins/future', scope)), /^plugin "\.\/plugins\/future" needs plugin API >=2 <3; this gateway provides 1\.0\.0$/);
    assert.match(await refusal(loadPlugin('./plugins/nonsense', scope)), /declares engine "one point oh", which is not a semver range/);
  });
});
