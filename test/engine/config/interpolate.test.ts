import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
    // (Not in api_key: a header value may hold no newline, see limits.test.ts.)
    const { config } = await validate(MINIMAL.replace('    model: m', '    model: "${FX_KEY}"'), { env: { FX_KEY: 'a"b\nc: d' } });
    assert.equal(config.models[0]!.model, 'a"b\nc: d');
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

describe('config secrets from files (${file:…})', function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-secrets-'));
    await writeFile(path.join(dir, 'openai_key'), 'sk-from-file-1234\n');
    await writeFile(path.join(dir, 'crlf_key'), 'sk-crlf-5678\r\n');
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a secret file, trimming its trailing newline, next to ${VAR}', async function () {
    const { config } = await validate(withKey(`\${file:${dir}/openai_key}`));
    assert.equal(config.providers.local!.api_key, 'sk-from-file-1234');
    const crlf = await validate(withKey(`Bearer \${file:${dir}/crlf_key} \${FX_TAIL:-x}`));
    assert.equal(crlf.config.providers.local!.api_key, 'Bearer sk-crlf-5678 x');
    const literal = await validate(withKey(`$\${file:${dir}/openai_key}`));
    assert.equal(literal.config.providers.local!.api_key, `\${file:${dir}/openai_key}`);
  });

  it('resolves a relative path against the config folder', async function () {
    const { config } = await validate(MINIMAL.replace('    model: m', '    model: "${file:plugins/../valid.yaml}"'));
    assert.match(config.models[0]!.model, /^# A complete, valid config/);
  });

  it('reports a missing or unreadable file at the string, naming the file', async function () {
    assert.deepEqual(await linesOf(withKey(`\${file:${dir}/absent}`)), [
      `gateway.yaml:3:33 providers.local.api_key: cannot read secret file ${dir}/absent (ENOENT)`,
    ]);
    assert.deepEqual(await linesOf(withKey(`\${file:${dir}}`)), [`gateway.yaml:3:33 providers.local.api_key: cannot read secret file ${dir} (not a file)`]);
  });

  it('never prints a value read from a file', async function () {
    const text = MINIMAL.replace('local: { type: mock }', `local: { type: mock, connections: "\${file:${dir}/openai_key}" }`).replace(
      'provider: local',
      `provider: "\${file:${dir}/openai_key}"`,
    );
    const printed = new ConfigError(await issuesOf(text)).message;
    assert.match(printed, /providers\.local\.connections: must be integer/);
    assert.match(printed, /models\[0\]\.provider: this provider is not defined/);
    assert.ok(!printed.includes('sk-from-file'), printed);
  });
});
