/**
 * `llm-gateway validate` (and every reload) reports every problem of a file in one run, as
 * the README promises: schema errors, references, plugin configs, plugins' own checks and
 * the provider checks together — and each problem once.
 */
import assert from 'node:assert/strict';
import { FIXTURES, MINIMAL, linesOf } from './helpers.ts';
import { providerIssues } from '../../../src/engine/provider-checks.ts';

describe('config validation reports everything at once', function () {
  it('shows schema errors, an undefined provider, a bad plugin config and provider checks in one run', async function () {
    const text = `version: 1
server: { port: eighty }
providers:
  local: { type: mock, options: { colour: red } }
  typo: { type: opneai }
models:
  - { name: m, provider: openai, model: m }
pipeline:
  - use: ./plugins/limit
    config: { rpm: 0 }
  - use: ./plugins/terminal
`;
    const lines = await linesOf(text, { extraChecks: (c) => providerIssues(c, FIXTURES) });
    assert.deepEqual(
      lines.map((l) => l.replace(/ \(did you mean.*$/, '')),
      [
        'gateway.yaml:2:11 server.port: must be integer',
        'gateway.yaml:4:35 providers.local.options.colour: unknown option for type mock',
        'gateway.yaml:5:11 providers.typo.type: unknown provider type "opneai"',
        'gateway.yaml:7:16 models[0].provider: provider "openai" is not defined in providers (defined: local, typo)',
        'gateway.yaml:10:15 pipeline[0].config.rpm: must be >= 1',
      ],
    );
  });

  it("reports an unset variable once, not again as the schema's complaint about the empty value", async function () {
    const text = MINIMAL.replace('local: { type: mock }', 'local: { type: mock, base_url: "${FX_URL}", connections: 4 }').replace(
      'provider: local',
      'provider: "${FX_PROVIDER}"',
    );
    assert.deepEqual(await linesOf(text), [
      'gateway.yaml:3:34 providers.local.base_url: environment variable FX_URL is not set (write ${FX_URL:-default} to give a default)',
      'gateway.yaml:6:15 models[0].provider: environment variable FX_PROVIDER is not set (write ${FX_PROVIDER:-default} to give a default)',
    ]);
  });

  it("runs a plugin's own checks even when other parts of the file are wrong", async function () {
    const text = `version: 1
server: { port: eighty }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - use: content-filter
    config: { rules: [ { name: r, regex: { pattern: "(a)\\\\1" }, action: block } ] }
  - use: ./plugins/terminal
`;
    assert.deepEqual(await linesOf(text), [
      'gateway.yaml:2:11 server.port: must be integer',
      'gateway.yaml:7:44 pipeline[0].config.rules[0].regex.pattern: uses a backreference (\\1), which linear-time matching does not support',
    ]);
  });
});
