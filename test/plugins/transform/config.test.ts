/**
 * Transform configs the gateway must refuse at load, each problem located at its rule:
 * shapes by the plugin's schema (file:line:column), meaning when the plugin is created
 * (config path; every problem at once).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, startupError, mockConfig, postJson } from '../../helpers/gateway.ts';
import { runValidate } from '../../../src/engine/config/index.ts';
import { ConfigError, validateConfigText } from '../../../src/engine/config/index.ts';

const withRules = (rules: string, before = '', after = '') => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models:
  - { name: mock-gpt, provider: local, model: mock-gpt, capabilities: [chat, stream] }
  - { name: mock-embed, provider: local, model: mock-embed, capabilities: [embeddings] }
pipeline:
${before}  - use: transform
    config:
      rules:
${rules}
${after}  - use: provider
`;

describe('plugins/transform: config', () => {
  it('schema: an unknown operation is located at its line and column', async () => {
    const text = withRules('        - clamps: { max_tokens: { max: 1 } }');
    const err = await validateConfigText(text, 'gateway.yaml', { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /^gateway\.yaml:11:11 pipeline\[0\]\.config\.rules\[0\]\.clamps: unknown property/m);
  });

  it('schema: a header value with a line break is refused', async () => {
    const text = withRules('        - response_headers: { set: { x-a: "1\\r\\nx-b: 2" } }');
    await assert.rejects(
      validateConfigText(text, 'gateway.yaml', { env: {} }),
      /pipeline\[0\]\.config\.rules\[0\]\.response_headers\.set\["x-a"\]: must match pattern/,
    );
  });

  it('a bad path is located at its rule and operation', async () => {
    const msg = await startupError(
      withRules(`        - set: { "a..b": 1 }
        - name: two
          default: { "tools.*.x": 1 }
        - remove: [__proto__.polluted]
        - set: { "a: b..c": 1 }`),
    );
    assert.match(msg, /pipeline\[0\]\.config\.rules\[0\]\.set\["a\.\.b"\]: is not a dotted path/);
    assert.match(msg, /pipeline\[0\]\.config\.rules\[1\]\.default\["tools\.\*\.x"\]: a `\*` segment is allowed in remove paths only/);
    assert.match(msg, /pipeline\[0\]\.config\.rules\[2\]\.remove\[0\]: "__proto__" cannot be a path segment/);
    // A key holding ": " is still located at its own line (issues travel as path + message, not one string).
    assert.match(msg, /gateway\.yaml:15:\d+ pipeline\[0\]\.config\.rules\[3\]\.set\["a: b\.\.c"\]: is not a dotted path/);
  });

  it('fields that change what the request is are refused (model, messages, input, stream)', async () => {
    const msg = await startupError(withRules('        - { remove: [messages], set: { stream: true, model: x } }'));
    assert.match(msg, /rules\[0\]\.remove\[0\]: "messages" cannot be changed here/);
    assert.match(msg, /rules\[0\]\.set\.stream: "stream" cannot be changed here/);
    assert.match(msg, /rules\[0\]\.set\.model: "model" cannot be changed here \(use rename_model\)/);
  });

  it('an operation on the wrong endpoint type is refused', async () => {
    const msg = await startupError(
      withRules(`        - endpoints: [embeddings]
          system_prompt: { append: x }
          clamp: { max_tokens: { max: 5 } }
        - endpoints: [messages]
          response_body: { remove: [id] }
          default: { dimensions: 3 }`),
    );
    assert.match(msg, /rules\[0\]\.system_prompt: applies to chat, messages and responses requests only, but the rule is scoped to embeddings/);
    assert.match(msg, /rules\[0\]\.clamp\.max_tokens: applies to chat, messages and responses requests only/);
    assert.match(msg, /rules\[1\]\.response_body: applies to chat and embeddings requests only, but the rule is scoped to messages/);
    assert.match(msg, /rules\[1\]\.default\.dimensions: applies to embeddings requests only/);
  });

  it('a clamp without bounds, or with min above max, is refused', async () => {
    const msg = await startupError(withRules('        - clamp: { max_tokens: {}, temperature: { min: 2, max: 1 } }'));
    // Located in the file like a schema error (checkConfig runs at load, before create).
    assert.match(msg, /gateway\.yaml:11:20 pipeline\[0\]\.config\.rules\[0\]\.clamp\.max_tokens: needs min, max or both$/m);
    assert.match(msg, /gateway\.yaml:11:36 pipeline\[0\]\.config\.rules\[0\]\.clamp\.temperature: min is greater than max$/m);
  });

  it('rename_model must name a configured model or an alias of a router after it', async () => {
    const msg = await startupError(withRules('        - rename_model: { old: nope }'));
    assert.match(msg, /rules\[0\]\.rename_model\.old: "nope" is not a configured model/);
    const aliased = withRules('        - rename_model: cheap', '', '  - use: router\n    config: { aliases: { cheap: [mock-gpt] } }\n');
    const gw = await startTestGateway(aliased);
    try {
      const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'anything', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(r.status, 200);
      assert.equal(r.json.model, 'mock-gpt');
    } finally {
      await gw.stop();
    }
  });

  it('rename_model without a router: the provider routes the new name', async () => {
    const gw = await startTestGateway(withRules('        - rename_model: { old-name: mock-gpt }'));
    try {
      const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'old-name', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(r.status, 200);
      assert.equal(r.json.model, 'mock-gpt');
      const unknown = await postJson(`${gw.url}/v1/chat/completions`, { model: 'other-name', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(unknown.status, 404);
    } finally {
      await gw.stop();
    }
  });

  it('rename_model after the router is refused (the route is already planned)', async () => {
    const msg = await startupError(withRules('        - rename_model: mock-gpt', '  - use: router\n'));
    assert.match(msg, /pipeline\[1\]\.config: rename_model must run before the router/);
  });

  it('rules need an operation, unique names, and a pipeline of LLM requests', async () => {
    const msg = await startupError(withRules('        - { name: a, models: [x] }\n        - { name: a, set: { user: u } }'));
    assert.match(msg, /rules\[0\]: has no operation/);
    assert.match(msg, /rules\[1\]\.name: "a" names another rule too/);
    const reserved = await startupError(withRules('        - response_headers: { remove: [Content-Length] }'));
    assert.match(reserved, /rules\[0\]\.response_headers: "content-length" is written by the server itself/);
    const route = await startupError(`${mockConfig()}routes:
  - path: /apps/x
    proxy: { target: "http://127.0.0.1:9" }
    pipeline: [ { use: transform, config: { rules: [ { set: { user: u } } ] } } ]
`);
    assert.match(route, /routes\[0\]\.pipeline\[0\]\.config: transform rewrites LLM requests/);
  });

  it('`llm-gateway validate` reports the same problems, located, and exits 1', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-transform-'));
    try {
      const file = path.join(dir, 'gateway.yaml');
      await writeFile(file, withRules('        - rename_model: { old: nope }'));
      const errors: string[] = [];
      const code = await runValidate(file, { log: () => undefined, error: (line) => errors.push(line) });
      assert.equal(code, 1);
      assert.match(errors.join('\n'), /gateway\.yaml:11:\d+ pipeline\[0\]\.config\.rules\[0\]\.rename_model\.old: "nope" is not a configured model/);
      await writeFile(file, withRules('        - rename_model: { old: mock-gpt }'));
      assert.equal(await runValidate(file, { log: () => undefined, error: (line) => errors.push(line) }), 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a reload with a bad transform keeps the running config', async () => {
    const good = withRules('        - set: { user: platform }');
    const gw = await startTestGateway(good);
    try {
      await gw.writeConfig(withRules('        - clamp: { max_tokens: {} }'));
      const outcome = await gw.runtime.reload();
      assert.equal(outcome.ok, false);
      assert.match(outcome.error!, /gateway\.yaml:11:20 pipeline\[0\]\.config\.rules\[0\]\.clamp\.max_tokens: needs min, max or both/);
      assert.equal(((await (await fetch(`${gw.url}/admin/config/status`)).json()) as { status: string }).status, 'failed');
      const r = await postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-gpt', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(r.status, 200);
    } finally {
      await gw.stop();
    }
  });
});
