/**
 * `llm-gateway/plugin` and `llm-gateway/testing` by package name: how Node resolves them
 * (the source condition in a checkout, dist/ otherwise), and that the plugin entry is the
 * engine's own API — the same objects, all of types.ts — rather than a copy. The typed
 * helpers' compile-time behaviour is asserted with @ts-expect-error (npm run typecheck).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as api from 'llm-gateway/plugin';
import * as testing from 'llm-gateway/testing';
import { definePlugin, defineAdapter, stateKey, type PluginDefinition, type StateKey } from 'llm-gateway/plugin';
import * as types from '../../src/engine/types.ts';
import * as errors from '../../src/engine/errors.ts';
import * as context from '../../src/engine/context.ts';
import { openaiCompatibleClient } from '../../src/plugins-builtin/provider/adapters/openai/base.ts';
import { startGateway } from '../../src/engine/server/gateway.ts';
import { ROOT } from './helpers/project.ts';

const resolveIn = (specifier: string, conditions: string[]) =>
  execFileSync(
    process.execPath,
    [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', `console.log(import.meta.resolve('${specifier}'))`],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH! },
      encoding: 'utf8',
    },
  ).trim();

describe('plugin API: the package entries', () => {
  it('resolve to the TypeScript sources under the llm-gateway-source condition, else to dist/', () => {
    assert.ok(import.meta.resolve('llm-gateway/plugin').endsWith('/src/plugin/index.ts'), 'tests here run with the condition');
    assert.equal(resolveIn('llm-gateway/plugin', ['llm-gateway-source']), new URL('src/plugin/index.ts', `file://${ROOT}/`).href);
    assert.equal(resolveIn('llm-gateway/testing', ['llm-gateway-source']), new URL('src/testing/index.ts', `file://${ROOT}/`).href);
    assert.equal(resolveIn('llm-gateway/plugin', []), new URL('dist/src/plugin/index.js', `file://${ROOT}/`).href);
    assert.equal(resolveIn('llm-gateway/testing', []), new URL('dist/src/testing/index.js', `file://${ROOT}/`).href);
  });

  it('the llm-gateway command run from a checkout loads plugins that import llm-gateway/plugin (no build)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-checkout-'));
    try {
      const plugins = path.join(ROOT, 'plugins');
      writeFileSync(
        path.join(dir, 'gateway.yaml'),
        `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock }, deepseek: { type: ${plugins}/example-adapter, api_key: sk-x } }
models: [ { name: m, provider: local, model: m } ]
plugins: { roots: [${plugins}] }
pipeline: [ { use: ${plugins}/request-tagger, config: { header: x-team, value: a } }, { use: provider } ]
`,
      );
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/llm-gateway.js'), 'validate', 'gateway.yaml'], {
        cwd: dir,
        env: { PATH: process.env.PATH!, HOME: os.tmpdir() },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /gateway\.yaml: valid \(1 models, 2 pipeline plugins/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('llm-gateway/plugin re-exports every value of the contract (types.ts), not copies', () => {
    for (const [name, value] of Object.entries(types)) assert.equal((api as Record<string, unknown>)[name], value, name);
    assert.equal(api.ENGINE_API_VERSION, types.ENGINE_API_VERSION);
    assert.equal(api.stateKey, context.stateKey);
    assert.equal(api.gatewayError, errors.gatewayError);
    assert.equal(api.GatewayError, errors.GatewayError);
    assert.equal(api.isGatewayError, errors.isGatewayError);
    assert.equal(api.ERRORS, errors.ERRORS);
    assert.equal(api.openaiCompatibleClient, openaiCompatibleClient);
  });

  it('llm-gateway/testing starts the engine’s own gateway', async () => {
    const h = await testing.startPluginHarness();
    try {
      assert.equal(typeof h.gateway.drain, 'function');
      assert.equal(Object.getPrototypeOf(h.gateway.runtime).constructor.name, 'Runtime');
      assert.equal((await h.chat()).body.choices?.[0]?.message.content, 'Echo: Hello');
    } finally {
      await h.close();
    }
    assert.equal(typeof startGateway, 'function');
  });

  it('stateKey makes a distinct slot per call (one per instance)', () => {
    const a = stateKey<number>('same-name');
    const b = stateKey<number>('same-name');
    assert.notEqual(a, b);
    const ctx = testing.fakeContext();
    ctx.set(a, 1);
    assert.equal(ctx.get(b), undefined);
    assert.ok(Object.isFrozen(a));
  });

  it('definePlugin and defineAdapter return the definition itself; the config type comes from the schema', () => {
    const def = definePlugin({
      name: 'typed',
      version: '1.0.0',
      engine: '^1.0.0',
      configSchema: {
        type: 'object',
        required: ['limit'],
        properties: {
          limit: { type: 'integer' },
          mode: { enum: ['fast', 'safe'], default: 'safe' },
          tags: { type: 'array', items: { type: 'string' } },
          nested: { type: 'object', properties: { on: { type: 'boolean', default: true } } },
        },
      },
      create(config) {
        const limit: number = config.limit;
        const mode: 'fast' | 'safe' = config.mode;
        const tags: readonly string[] | undefined = config.tags;
        const on: boolean | undefined = config.nested?.on;
        // @ts-expect-error -- not in the schema
        void config.other;
        // @ts-expect-error -- optional: neither required nor defaulted
        const mustHave: readonly string[] = config.tags;
        // @ts-expect-error -- frozen
        config.limit = 2;
        void [limit, mode, tags, on, mustHave];
        return {};
      },
    });
    assert.equal(def.name, 'typed');
    const fromJson: PluginDefinition<{ header: string }> = definePlugin({
      name: 'annotated',
      version: '1.0.0',
      engine: '^1.0.0',
      configSchema: JSON.parse('{"type":"object"}') as Record<string, unknown>,
      create(config: { header: string }) {
        return { onResponse: (ctx) => void (ctx.responseHeaders[config.header] = '1') };
      },
    });
    assert.equal(fromJson.name, 'annotated');
    const adapter = { type: 't', defaultCapabilities: [], create: () => ({}) as never };
    assert.equal(defineAdapter(adapter), adapter);
    const key: StateKey<string> = stateKey('k');
    // @ts-expect-error -- a slot holds its declared type
    testing.fakeContext().set(key, 1);
  });
});
