/** The root gateway.yaml: the file a new user starts from must always be valid. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { loadConfig } from '../../../src/engine/config/index.ts';
import { getGatewayValidator } from '../../../src/engine/config/schema.ts';
import { REPO_ROOT } from '../../../src/engine/config/generate-schemas.ts';
import { BUILTIN_PLUGINS } from '../../../src/plugins-builtin/index.ts';

const FILE = path.join(REPO_ROOT, 'gateway.yaml');

describe('gateway.yaml (repo root)', function () {
  it('points editors at the generated editor schema', function () {
    assert.equal(readFileSync(FILE, 'utf8').split('\n')[0], '# yaml-language-server: $schema=./schemas/gateway.editor.schema.json');
  });

  it('matches the gateway schema', function () {
    const validate = getGatewayValidator();
    assert.equal(validate(yaml.load(readFileSync(FILE, 'utf8'), { schema: yaml.CORE_SCHEMA })), true, JSON.stringify(validate.errors));
  });

  it('loads fully (plugins resolved, their configs checked)', async function () {
    for (const use of ['metrics', 'validation', 'provider']) assert.ok(Object.hasOwn(BUILTIN_PLUGINS, use), `${use} is not registered`);
    const { config } = await loadConfig(FILE, { env: {} });
    assert.deepEqual(
      config.pipeline.map((p) => p.use),
      ['metrics', 'validation', 'provider'],
    );
    assert.deepEqual(
      config.models.map((m) => m.name),
      ['mock-gpt', 'mock-embed'],
    );
    assert.equal(config.server.port, 8080);
  });
});
