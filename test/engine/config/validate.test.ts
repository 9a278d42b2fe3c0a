import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/engine/config/index.ts';
import { FIXTURES, MINIMAL, issuesOf, linesOf, validate } from './helpers.ts';

describe('config validation', function () {
  it('accepts the minimal config and fills every default', async function () {
    const { config } = await validate(MINIMAL);
    assert.deepEqual(config.server, {
      port: 8080,
      host: '127.0.0.1',
      body_limit: '1mb',
      cors: { origins: [] },
      shutdown_grace_s: 10,
      drain_delay: 5,
      allow_unauthenticated: false,
      trust_proxy: [],
      timeouts: { headers_ms: 10000, body_ms: 30000, keep_alive_ms: 65000 },
    });
    assert.deepEqual(config.plugins, { roots: ['./plugins'] });
    assert.deepEqual(config.stores, { state: { type: 'memory' }, db: { type: 'sqlite', path: './data/gateway.db' } });
    assert.deepEqual(config.pipeline[0], { use: './plugins/limit', config: { rpm: 60, per: 'key' } });
    assert.deepEqual(config.pipeline[1], { use: './plugins/terminal', config: {} });
    assert.deepEqual(config.routes, []);
  });

  it('applies variant defaults inside stores (redis prefix)', async function () {
    const { config } = await validate(`${MINIMAL}stores:\n  state: { type: redis, url: "redis://x" }\n  db: { type: memory }\n`);
    assert.deepEqual(config.stores, { state: { type: 'redis', url: 'redis://x', prefix: 'gw:' }, db: { type: 'memory' } });
  });

  it('locates a wrong type in a plugin config at its key (fixture wrong-type.yaml)', async function () {
    const file = path.join(FIXTURES, 'wrong-type.yaml');
    await assert.rejects(loadConfig(file, { env: {} }), function check(err: unknown) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${file}:16:7 pipeline[1].config.rpm: must be integer`);
      assert.deepEqual(err.issues, [{ file, line: 16, column: 7, path: 'pipeline[1].config.rpm', message: 'must be integer' }]);
      return true;
    });
  });

  it('locates a wrong type in the gateway part', async function () {
    const lines = await linesOf(`version: 1\nserver:\n  port: eighty\n${MINIMAL.slice('version: 1\n'.length)}`);
    assert.deepEqual(lines, ['gateway.yaml:3:3 server.port: must be integer']);
  });

  it('rejects unknown keys at every level, located at the key', async function () {
    const text = MINIMAL.replace('version: 1', 'version: 1\nsrever: {}')
      .replace('local: { type: mock }', 'local: { type: mock, apikey: x }')
      .replace('    model: m', '    model: m\n    pricing: { input_per_1m: 1, output_per_1m: 2, cache: 3 }')
      .replace('  - use: ./plugins/limit', '  - use: ./plugins/limit\n    config: { rmp: 5 }');
    const lines = await linesOf(text);
    assert.deepEqual(
      lines.map((l) => l.replace(/ \(allowed here: .*\)$/, '')),
      [
        'gateway.yaml:2:1 srever: unknown property',
        'gateway.yaml:4:24 providers.local.apikey: unknown property',
        'gateway.yaml:9:51 models[0].pricing.cache: unknown property',
        'gateway.yaml:12:15 pipeline[0].config.rmp: unknown property',
      ],
    );
    assert.match(lines[3]!, /allowed here: rpm, per\)$/);
  });

  it('reports a plugin that cannot be found at its use line', async function () {
    const issues = await issuesOf(MINIMAL.replace('use: ./plugins/limit', 'use: ./plugins/nope'));
    assert.equal(issues.length, 1);
    assert.equal(`${issues[0]!.line}:${issues[0]!.column} ${issues[0]!.path}`, '9:5 pipeline[0].use');
    assert.match(issues[0]!.message, /^cannot load plugin "\.\/plugins\/nope"/);
  });

  it('reports a module that is not a plugin at its use line', async function () {
    const issues = await issuesOf(MINIMAL.replace('use: ./plugins/limit', 'use: ./plugins/not-a-plugin'));
    assert.equal(`${issues[0]!.line} ${issues[0]!.path}`, '9 pipeline[0].use');
    assert.match(issues[0]!.message, /must default-export a PluginDefinition/);
  });

  it('needs a terminal plugin in the main pipeline', async function () {
    const lines = await linesOf(MINIMAL.replace('  - use: ./plugins/terminal\n', ''));
    assert.deepEqual(lines, ['gateway.yaml:8:1 pipeline: needs a terminal plugin (e.g. `use: provider`) as its last entry']);
  });

  it('needs the terminal plugin last', async function () {
    const text = MINIMAL.replace('  - use: ./plugins/limit\n  - use: ./plugins/terminal\n', '  - use: ./plugins/terminal\n  - use: ./plugins/limit\n');
    const lines = await linesOf(text);
    assert.deepEqual(lines, ['gateway.yaml:9:5 pipeline[0].use: plugin "./plugins/terminal" is terminal and must be the last entry']);
  });

  it('lets a route pipeline have no terminal, but checks its plugin configs', async function () {
    const route =
      'routes:\n  - path: /crm\n    proxy: { target: "http://127.0.0.1:3000" }\n    pipeline:\n      - use: ./plugins/limit\n        config: { rpm: 0 }\n';
    const lines = await linesOf(MINIMAL + route);
    assert.deepEqual(lines, ['gateway.yaml:16:19 routes[0].pipeline[0].config.rpm: must be >= 1']);
  });

  it('rejects duplicate instance ids and duplicate route paths', async function () {
    const text =
      MINIMAL.replace('  - use: ./plugins/terminal', '  - use: ./plugins/limit\n  - use: ./plugins/terminal') +
      'routes:\n  - { path: /a, proxy: { target: "http://h" } }\n  - { path: /a, proxy: { target: "http://h" } }\n';
    assert.deepEqual(await linesOf(text), [
      'gateway.yaml:10:5 pipeline[1].use: duplicate plugin instance id "./plugins/limit" (also pipeline[0]); give one an `id`',
      'gateway.yaml:14:7 routes[1].path: duplicate route path "/a" (also routes[0])',
    ]);
  });

  it('accepts the same plugin twice when ids differ', async function () {
    const text = MINIMAL.replace('  - use: ./plugins/terminal', '  - { use: ./plugins/limit, id: per-ip }\n  - use: ./plugins/terminal');
    const { config } = await validate(text);
    assert.equal(config.pipeline[1]!.id, 'per-ip');
  });

  it('rejects a route path not starting with /', async function () {
    const lines = await linesOf(`${MINIMAL}routes:\n  - { path: crm, proxy: { target: "http://h" } }\n`);
    assert.deepEqual(lines, ['gateway.yaml:12:7 routes[0].path: must match pattern "^/"']);
  });

  it('rejects a model naming an unknown provider', async function () {
    const lines = await linesOf(MINIMAL.replace('provider: local', 'provider: openai'));
    assert.deepEqual(lines, ['gateway.yaml:6:5 models[0].provider: provider "openai" is not defined in providers (defined: local)']);
  });

  it('locates issues from extraChecks', async function () {
    const lines = await linesOf(MINIMAL, { extraChecks: () => [{ path: 'providers.local.type', message: 'unknown provider type "mock"' }] });
    assert.deepEqual(lines, ['gateway.yaml:3:12 providers.local.type: unknown provider type "mock"']);
  });

  it('reports a YAML syntax error with its position', async function () {
    const lines = await linesOf('version: 1\nserver:\n  port: [8080\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^gateway\.yaml:4:1 : YAML syntax error: /);
  });
});
