import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/engine/config/index.ts';
import { MINIMAL, issuesOf, linesOf, validate } from './helpers.ts';

// A replacer function: a replacement string would turn `$$` into `$` before the test runs.
const withKey = (value: string): string => MINIMAL.replace('local: { type: mock }', () => `local: { type: mock, api_key: "${value}" }`);

describe('config interpolation', function () {
  it('substitutes a set variable', async function () {
    const { config } = await validate(withKey('Bearer ${FX_KEY}'), { env: { FX_KEY: 'sk-123' } });
    assert.equal(config.providers.local!.api_key, 'Bearer sk-123');
  });

  it('uses the default when the variable is unset or empty', async function () {
    const unset = await validate(withKey('${FX_KEY:-fallback}'), { env: {} });
    const empty = await validate(withKey('${FX_KEY:-fallback}'), { env: { FX_KEY: '' } });
    assert.equal(unset.config.providers.local!.api_key, 'fallback');
    assert.equal(empty.config.providers.local!.api_key, 'fallback');
  });

  it('reports a missing variable at the string, naming it', async function () {
    const lines = await linesOf(withKey('${FX_MISSING}'));
    assert.deepEqual(lines, [
      'gateway.yaml:3:33 providers.local.api_key: environment variable FX_MISSING is not set (write ${FX_MISSING:-default} to give a default)',
    ]);
  });

  it('turns $${VAR} into a literal ${VAR}', async function () {
    const { config } = await validate(withKey('$${FX_KEY} and ${FX_KEY}'), { env: { FX_KEY: 'v' } });
    assert.equal(config.providers.local!.api_key, '${FX_KEY} and v');
  });

  it('works on the parsed tree: quotes and newlines in values do not break the YAML', async function () {
    const { config } = await validate(withKey('${FX_KEY}'), { env: { FX_KEY: 'a"b\nc: d' } });
    assert.equal(config.providers.local!.api_key, 'a"b\nc: d');
  });

  it('never prints an interpolated value in errors', async function () {
    const secret = 'sk-SECRET-value-42';
    const text = MINIMAL.replace('provider: local', 'provider: "${FX_PROVIDER}"').replace(
      'local: { type: mock }',
      'local: { type: mock, api_key: "${FX_KEY}", connections: "${FX_KEY}" }',
    );
    const issues = await issuesOf(text, { env: { FX_KEY: secret, FX_PROVIDER: secret } });
    const printed = new ConfigError(issues).message;
    assert.ok(issues.length >= 1);
    assert.ok(!printed.includes(secret), printed);
    assert.match(printed, /providers\.local\.connections: must be integer/);
  });

  it('never prints a provider name taken from the environment', async function () {
    const secret = 'sk-SECRET-value-42';
    const lines = await linesOf(MINIMAL.replace('provider: local', 'provider: "${FX_PROVIDER}"'), { env: { FX_PROVIDER: secret } });
    assert.deepEqual(lines, ['gateway.yaml:6:5 models[0].provider: this provider is not defined in providers (defined: local)']);
  });
});
