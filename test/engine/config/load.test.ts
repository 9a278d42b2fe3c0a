import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, deepFreeze } from '../../../src/engine/config/index.ts';
import { FIXTURES, MINIMAL, linesOf, validate } from './helpers.ts';

describe('loadConfig', function () {
  const file = path.join(FIXTURES, 'valid.yaml');

  it('loads a file: hash of its bytes, absolute file and dir', async function () {
    const loaded = await loadConfig(file, { env: { FX_SECRET: 'x' } });
    assert.equal(loaded.hash, createHash('sha256').update(readFileSync(file)).digest('hex'));
    assert.equal(loaded.file, file);
    assert.equal(loaded.dir, path.dirname(file));
    assert.equal(loaded.config.server.port, 9090);
    assert.deepEqual(loaded.config.routes![0]!.pipeline, [{ use: './plugins/limit', config: { per: 'ip', rpm: 60 } }]);
  });

  it('deep-freezes the result: assignment throws (ES modules are strict)', async function () {
    const { config } = await loadConfig(file, { env: {} });
    assert.throws(() => {
      (config.server as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.pipeline[0]!.config as Record<string, unknown>).rpm = 1;
    }, TypeError);
    assert.throws(() => {
      (config.models as unknown[]).push({});
    }, TypeError);
    assert.equal(config.server.port, 9090);
  });

  it('lets PORT override server.port', async function () {
    const { config } = await loadConfig(file, { env: { PORT: '7001' } });
    assert.equal(config.server.port, 7001);
  });

  it('rejects a PORT that is not a port, without printing it', async function () {
    const lines = await linesOf(MINIMAL, { env: { PORT: 'http' } });
    assert.deepEqual(lines, ['gateway.yaml:1:1 server.port: the PORT environment variable must be an integer from 0 to 65535']);
  });

  it('reports a missing file as a ConfigError', async function () {
    await assert.rejects(loadConfig(path.join(FIXTURES, 'absent.yaml')), function check(err: unknown) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /absent\.yaml:1:1: cannot read the file \(ENOENT\)$/);
      return true;
    });
  });

  it('hashes identically whatever the environment (no secret in the hash)', async function () {
    const a = await validate(MINIMAL, { env: { X: '1' } });
    const b = await validate(MINIMAL, { env: { X: '2' } });
    assert.equal(a.hash, b.hash);
  });
});

describe('deepFreeze', function () {
  it('freezes nested objects and arrays and returns the same object', function () {
    const value = { a: { b: [1, { c: 2 }] } };
    assert.equal(deepFreeze(value), value);
    assert.ok(Object.isFrozen(value.a.b[1]));
  });
});
