/**
 * Safe by default: the LLM API on a non-loopback host with no `auth` plugin is refused —
 * by validate, at start and at reload — unless `server.allow_unauthenticated` says so.
 */
import assert from 'node:assert/strict';
import { MINIMAL, linesOf, validate } from './helpers.ts';
import { isLoopback } from '../../../src/engine/config/exposure.ts';
import { mockConfig, startTestGateway, startupError } from '../../helpers/gateway.ts';

const onHost = (host: string, extra = '') => MINIMAL.replace('version: 1\n', `version: 1\nserver: { host: "${host}"${extra} }\n`);

describe('serving beyond loopback needs auth', function () {
  it('refuses 0.0.0.0 and :: with no auth plugin, saying how to fix it', async function () {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'gateway.internal']) {
      const lines = await linesOf(onHost(host));
      assert.equal(lines.length, 1, host);
      assert.match(lines[0]!, /^gateway\.yaml:2:11 server\.host: serves the LLM API on .* with no `auth` plugin in the pipeline/);
      assert.match(lines[0]!, /Add `- use: auth` to pipeline \(with keys\), bind host to 127\.0\.0\.1, or set server\.allow_unauthenticated: true/);
    }
  });

  it('accepts loopback, an auth plugin, or an explicit allow_unauthenticated', async function () {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]']) assert.equal(isLoopback(host), true, host);
    assert.equal(isLoopback('0.0.0.0'), false);
    assert.equal((await validate(onHost('127.0.0.1'))).config.server.host, '127.0.0.1');
    assert.equal((await validate(MINIMAL)).config.server.host, '127.0.0.1', 'the default binds loopback');
    assert.equal((await validate(onHost('0.0.0.0', ', allow_unauthenticated: true'))).config.server.allow_unauthenticated, true);
    const withAuth = onHost('0.0.0.0').replace('  - use: ./plugins/limit\n', '  - use: auth\n  - use: ./plugins/limit\n');
    assert.equal((await validate(withAuth)).config.pipeline[0]!.use, 'auth');
  });

  it('refuses to start, and refuses a reload, that would expose the API', async function () {
    const exposed = mockConfig().replace('version: 1\n', 'version: 1\nserver: { host: 0.0.0.0 }\n');
    assert.match(await startupError(exposed), /server\.host: serves the LLM API on 0\.0\.0\.0/);
    const gw = await startTestGateway(mockConfig());
    try {
      await gw.writeConfig(exposed);
      const r = await gw.runtime.reload();
      assert.equal(r.ok, false);
      assert.match(r.error!, /server\.host: serves the LLM API on 0\.0\.0\.0/);
      assert.equal(gw.runtime.status().generation, 1);
    } finally {
      await gw.stop();
    }
  });
});
