/**
 * Config files over a limit are refused, quickly and located: an alias bomb, a huge file,
 * deep nesting, a long string, header values that could inject or break headers. The
 * event-loop side of this (traffic keeps flowing while such a file is refused) is in
 * test/integration/core/config-limits.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/engine/config/index.ts';
import { MINIMAL, linesOf, validate } from './helpers.ts';

/** Nine levels of nine aliases: 9^9 (387 million) nodes once expanded, in under 1 KB. */
export function aliasBomb(): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
  }
  return `${MINIMAL}x-bomb:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

async function refusedWithin(ms: number, run: () => Promise<unknown>): Promise<string[]> {
  const started = performance.now();
  let err: unknown;
  await run().catch((e: unknown) => (err = e));
  const took = performance.now() - started;
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
  assert.ok(took < ms, `took ${took.toFixed(0)} ms`);
  return err.message.split('\n');
}

describe('config limits', function () {
  this.timeout(20_000);
  let dir: string;
  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gw-limits-'));
    await validate(MINIMAL); // the config worker is warm, as in a running gateway
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a YAML alias bomb within a second, naming the limit', async function () {
    const bomb = aliasBomb();
    assert.ok(bomb.length < 1024);
    const lines = await refusedWithin(1000, () => validate(bomb));
    assert.deepEqual(lines.length, 1);
    assert.match(lines[0]!, /gateway\.yaml:1:1: too many (nodes once aliases are expanded|alias expansions)/);
    assert.match(lines[0]!, /GATEWAY_CONFIG_MAX_(NODES|ALIASES) raises it/);
  });

  it('refuses repeated aliases beyond the alias limit, even when small', async function () {
    const refs = Array.from({ length: 30 }, () => '*t').join(', ');
    const lines = await linesOf(`${MINIMAL}x-refs:\n  t: &t { k: v }\n  many: [${refs}]\n`, { limits: { maxAliases: 20 } });
    assert.deepEqual(lines, ['gateway.yaml:1:1 : too many alias expansions (*name); the limit is 20 (GATEWAY_CONFIG_MAX_ALIASES raises it)']);
  });

  it('refuses a 50 MB file by its size, before reading it', async function () {
    const file = path.join(dir, 'huge.yaml');
    const item = '  - { name: m, provider: local, model: m }\n';
    await writeFile(file, MINIMAL.replace('models:\n', `models:\n${item.repeat(Math.ceil(50e6 / item.length))}`));
    const lines = await refusedWithin(1000, () => loadConfig(file, { env: {} }));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /huge\.yaml:1:1: the file is 50,000,\d{3} bytes; the limit is 4,194,304 bytes \(GATEWAY_CONFIG_MAX_BYTES raises it\)$/);
    // The limit moves with its variable.
    const small = path.join(dir, 'small.yaml');
    await writeFile(small, MINIMAL);
    await assert.rejects(loadConfig(small, { env: { GATEWAY_CONFIG_MAX_BYTES: '64' } }), /the limit is 64 bytes/);
  });

  it('refuses nesting deeper than the limit', async function () {
    // (Beyond 100 levels js-yaml itself stops, with a syntax error.)
    const deep = `${'['.repeat(80)}1${']'.repeat(80)}`;
    const lines = await linesOf(`${MINIMAL}x-deep: ${deep}\n`);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /nested too deeply; the limit is 64 levels \(GATEWAY_CONFIG_MAX_DEPTH raises it\)/);
  });

  it('refuses a string over the limit, and one that only grows over it once substituted', async function () {
    const long = 'y'.repeat(70_000);
    assert.deepEqual(await linesOf(MINIMAL.replace('model: m', `model: ${long}`)), [
      'gateway.yaml:7:12 models[0].model: is 70,000 characters long; the limit is 65,536 (GATEWAY_CONFIG_MAX_STRING raises it)',
    ]);
    assert.deepEqual(await linesOf(MINIMAL.replace('model: m', 'model: "${FX_BIG}"'), { env: { FX_BIG: long } }), [
      'gateway.yaml:7:12 models[0].model: is 70,000 characters long once substituted; the limit is 65,536 (GATEWAY_CONFIG_MAX_STRING raises it)',
    ]);
  });

  it('refuses header values with CR/LF or other control characters, over-long ones and bad header names, without quoting them', async function () {
    const secret = 'sk-live-SECRET\r\nx-injected: 1';
    const text = MINIMAL.replace(
      'local: { type: mock }',
      'local: { type: mock, api_key: "${FX_KEY}", headers: { x-long: "${FX_LONG}", x-ctl: "a\\u0007b", "bad header": ok } }',
    );
    const lines = await linesOf(text, { env: { FX_KEY: secret, FX_LONG: 'z'.repeat(9000) } });
    assert.deepEqual(lines, [
      'gateway.yaml:3:33 providers.local.api_key: contains a line break (CR or LF), which a header value cannot hold (it would inject headers)',
      'gateway.yaml:3:65 providers.local.headers["x-long"]: is 9,000 characters long, too long for a header value; the limit is 8,192 (GATEWAY_CONFIG_MAX_HEADER raises it)',
      'gateway.yaml:3:86 providers.local.headers["x-ctl"]: contains a character a header value cannot hold (a control character, or one beyond U+00FF)',
      'gateway.yaml:3:98 providers.local.headers["bad header"]: is not a valid header name (letters, digits and !#$%&\'*+.^_`|~- only)',
    ]);
    assert.ok(!lines.join('\n').includes('SECRET'));
    const route = `${MINIMAL}routes:\n  - path: /app\n    proxy: { target: "http://127.0.0.1:1", headers: { set: { x-a: "\${FX_KEY}" } } }\n`;
    assert.match((await linesOf(route, { env: { FX_KEY: secret } }))[0]!, /routes\[0\]\.proxy\.headers\.set\["x-a"\]: contains a line break/);
  });

  it('stops the worker at the time and memory limits, and refuses the file', async function () {
    // A worker with other limits is a new one: its start alone takes longer than 50 ms…
    assert.deepEqual(await linesOf(MINIMAL, { limits: { maxMemoryMb: 300, timeoutMs: 50 } }), [
      'gateway.yaml:1:1 : reading and checking the file took longer than 50 ms; refused (GATEWAY_CONFIG_TIMEOUT_MS raises the limit)',
    ]);
    // …and needs more than 4 MB.
    assert.deepEqual(await linesOf(MINIMAL, { limits: { maxMemoryMb: 4 } }), [
      'gateway.yaml:1:1 : reading the file needed more than 4 MB; refused (GATEWAY_CONFIG_MAX_MEMORY_MB raises the limit)',
    ]);
    await validate(MINIMAL); // and a normal one still loads
  });

  it('still accepts aliases within the limits', async function () {
    const text = MINIMAL.replace(
      'models:\n  - name: m\n    provider: local\n    model: m\n',
      'models:\n  - &m { name: m, provider: local, model: m }\n  - *m\n',
    );
    const { config } = await validate(text);
    assert.deepEqual(config.models[1], config.models[0]);
    assert.notEqual(config.models[1], config.models[0], 'an alias is copied, not shared');
  });
});
