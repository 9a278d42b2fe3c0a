/**
 * Validation resolves each plugin once and hands the definitions on: a config generation
 * is built from `loaded.definitions`, not by resolving the `use:` names again.
 */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { MINIMAL, validate } from './helpers.ts';
import { buildCatalog } from '../../../src/engine/catalog.ts';
import { buildGeneration } from '../../../src/engine/generation.ts';
import type { PluginDefinition, PluginEnv } from '../../../src/engine/types.ts';

describe('resolved plugin definitions', function () {
  it('validation returns the definition of every entry, main pipeline and routes', async function () {
    const loaded = await validate(`${MINIMAL}routes:\n  - { path: /a, proxy: { target: "http://h" }, pipeline: [ { use: ./plugins/limit } ] }\n`);
    assert.deepEqual(
      loaded.definitions.pipeline.map((d) => d.name),
      ['fx-limit', 'fx-terminal'],
    );
    assert.deepEqual(
      loaded.definitions.routes.map((r) => r.map((d) => d.name)),
      [['fx-limit']],
    );
  });

  it('a generation is built from them, with no second resolution', async function () {
    const loaded = await validate(MINIMAL);
    const created: string[] = [];
    const stand = (name: string, terminal?: true): PluginDefinition => ({
      name,
      version: '1.0.0',
      engine: '^1',
      configSchema: {},
      terminal,
      create() {
        created.push(name);
        return terminal ? { invoke: () => Promise.reject(new Error('unused')) } : {};
      },
    });
    // Were the names resolved again, the fixture plugins would be created, not these.
    const swapped = { ...loaded, definitions: { pipeline: [stand('first'), stand('last', true)], routes: [] } };
    const logger = pino({ level: 'silent' });
    const built = await buildCatalog(loaded.config, loaded.dir, logger);
    const gen = await buildGeneration(1, swapped, built, (id) => ({ pluginId: id, logger }) as PluginEnv);
    assert.deepEqual(created, ['first', 'last']);
    gen.retire(async () => {}, logger);
  });
});
