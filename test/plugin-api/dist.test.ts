/**
 * The published package, for real: this checkout built as `npm run build` builds it and
 * packed by `npm pack` (so only what `files` ships), installed in a temp project's
 * node_modules. Against it: a consumer project type-checks with tsc from the .d.ts files
 * alone; a JavaScript plugin package loads by name in a gateway started by the package's
 * bin on plain node (no tsx, no export condition); and `plugin new` scaffolds a plugin
 * whose own test passes on the built llm-gateway/testing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnGateway, type GatewayProcess } from '../deploy/helpers/process.ts';
import { postChat } from '../../src/testing/client.ts';
import { BIN, installPackedGateway, linkDependency, makeProject, packGateway, writePluginPackage, type PackedGateway } from './helpers/project.ts';
import { packageConfig, stampPackage } from './helpers/stamp.ts';

/** A process's environment with nothing of this one's loaders or options. */
const cleanEnv = { PATH: process.env.PATH!, HOME: os.tmpdir() };

const run = (command: string, args: string[], cwd: string) => {
  const r = spawnSync(command, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

const CONSUMER_OK = `import { definePlugin, defineAdapter, openaiCompatibleClient, gatewayError, stateKey, ENGINE_API_VERSION, type StateStore } from 'llm-gateway/plugin';
import { startPluginHarness, createInstance, fakeContext, runHook } from 'llm-gateway/testing';

const SEEN = stateKey<number>('seen');
const plugin = definePlugin({
  name: 'typed', version: '1.0.0', engine: '^1.0.0',
  configSchema: { type: 'object', required: ['limit'], properties: { limit: { type: 'integer' }, label: { type: 'string', default: 'x' } } },
  create(config, env) {
    const limit: number = config.limit;
    const label: string = config.label;
    const store: StateStore = env.stores.state;
    const hits = env.metrics.histogram({ name: 'typed_seconds', help: 'h', labelNames: ['label'] as const, buckets: [0.1] });
    return {
      async onRequest(ctx) {
        ctx.set(SEEN, limit);
        if ((await store.incrBy('n', 1)) > limit) throw gatewayError('GW_ERR_RATE_LIMITED', { retryAfter: 1 });
        hits.observe({ label }, 0.01);
      },
      onStreamChunk: (_ctx, event) => event,
    };
  },
});
export const adapter = defineAdapter({
  type: 'v', defaultCapabilities: ['chat'],
  create: (name, config, env) => openaiCompatibleClient(name, config, { type: 'v', defaultBaseUrl: 'http://x', defaultCapabilities: ['chat'], auth: (k) => ({ authorization: k }) }, env),
});
export async function check(): Promise<string> {
  const h = await startPluginHarness({ plugin, config: { limit: 1 }, upstream: [{ content: 'hi' }] });
  const r = await h.chat();
  await h.close();
  const t = await createInstance(plugin, { limit: 2 });
  await runHook(t, 'onRequest', fakeContext());
  return ENGINE_API_VERSION + String(r.body.choices?.[0]?.message.content);
}
`;

const CONSUMER_BAD = `import { definePlugin, gatewayError, stateKey } from 'llm-gateway/plugin';
const SLOT = stateKey<number>('slot');
export default definePlugin({
  name: 'bad', version: '1.0.0', engine: '^1.0.0',
  configSchema: { type: 'object', properties: { limit: { type: 'integer', default: 3 } } },
  create(config) {
    const wrong: string = config.limit;
    return { onRequest(ctx) { ctx.set(SLOT, 'text'); throw gatewayError('GW_ERR_NO_SUCH_CODE'); } };
  },
});
`;

describe('plugin API: the published package (built, packed, installed)', function () {
  this.timeout(240_000);
  let packed: PackedGateway;
  let project: string;
  const running: GatewayProcess[] = [];

  before(() => {
    packed = packGateway();
    project = makeProject('dist');
    installPackedGateway(project, packed);
    for (const dep of ['@types/node', '@types/mocha', 'tsx', 'typescript']) linkDependency(project, dep);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });
  after(() => {
    packed?.cleanup();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('ships both entries as JavaScript with declarations, the plugin guide, and no TypeScript source', () => {
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/llm-gateway/package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string> | string>;
    };
    for (const entry of ['./plugin', './testing']) {
      const targets = manifest.exports[entry] as Record<string, string>;
      for (const condition of ['types', 'default']) assert.ok(packed.files.includes(targets[condition]!.slice(2)), `${entry} ${condition} is published`);
    }
    assert.deepEqual(
      packed.files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
      [],
    );
    assert.ok(packed.files.includes('docs/plugins.md'), 'the guide a scaffolded README points to');
    assert.ok(!packed.files.some((f) => f.startsWith('docs/') && f !== 'docs/plugins.md'), 'no other guide');
  });

  it('a consumer project type-checks against the .d.ts files, and its mistakes are caught', () => {
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
        include: ['consumer.ts'],
      }),
    );
    writeFileSync(path.join(project, 'consumer.ts'), CONSUMER_OK);
    const ok = run(BIN('tsc'), ['-p', '.'], project);
    assert.equal(ok.status, 0, ok.output);

    writeFileSync(path.join(project, 'consumer.ts'), CONSUMER_BAD);
    const bad = run(BIN('tsc'), ['-p', '.'], project);
    assert.equal(bad.status, 2, bad.output);
    assert.match(bad.output, /consumer\.ts\(7,11\): error TS2322: Type 'number' is not assignable to type 'string'/, 'config typed from the schema');
    assert.match(bad.output, /consumer\.ts\(8,45\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/, 'slots typed');
    assert.match(bad.output, /error TS2345: Argument of type '"GW_ERR_NO_SUCH_CODE"' is not assignable/, 'error codes typed');
  });

  it('a JavaScript plugin package loads by name in a gateway on plain node, and a wrong engine range is refused', async () => {
    writePluginPackage(project, stampPackage('gw-plugin-stamp', '^1.0.0', 'js'));
    writePluginPackage(project, stampPackage('gw-plugin-future', '^2.0.0', 'js'));
    writeFileSync(path.join(project, 'gateway.yaml'), packageConfig('gw-plugin-stamp'));
    writeFileSync(path.join(project, 'future.yaml'), packageConfig('gw-plugin-future'));
    const bin = path.join(project, 'node_modules/llm-gateway/bin/llm-gateway.js');
    const gw = await spawnGateway(process.execPath, [bin, 'start', '--config', 'gateway.yaml'], { cwd: project, env: cleanEnv });
    running.push(gw);
    const chat = (headers: Record<string, string> = {}) =>
      postChat(`${gw.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { headers });
    const ok = await chat();
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.headers.get('x-stamp'), 'from-a-package');
    const denied = await chat({ 'x-deny': '1' });
    assert.equal(denied.status, 429, 'the package’s GatewayError is the gateway’s');
    assert.doesNotMatch(gw.output(), /tsx|ERR_/);

    const refused = run(process.execPath, [bin, 'validate', 'future.yaml'], project);
    assert.equal(refused.status, 1);
    assert.match(refused.output, /pipeline\[0\]\.use: plugin "gw-plugin-future" needs plugin API \^2\.0\.0; this gateway provides 1\./);
  });

  it('`plugin new` from the package scaffolds a plugin that type-checks and passes its own test on the built API', () => {
    const bin = path.join(project, 'node_modules/llm-gateway/bin/llm-gateway.js');
    const made = run(process.execPath, [bin, 'plugin', 'new', 'latency-tag'], project);
    assert.equal(made.status, 0, made.output);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          resolveJsonModule: true,
          allowImportingTsExtensions: true,
          types: ['node', 'mocha'],
        },
        include: ['plugins'],
      }),
    );
    const typed = run(BIN('tsc'), ['-p', '.'], project);
    assert.equal(typed.status, 0, typed.output);
    // No export condition: llm-gateway/testing is the package's dist/.
    const tested = run(BIN('mocha'), ['--import=tsx/esm', 'plugins/latency-tag/index.test.ts'], project);
    assert.equal(tested.status, 0, tested.output);
    assert.match(tested.output, /3 passing/);
  });
});
