/**
 * A plugin packaged in its own folder, with its own package.json, `exports` and a peer
 * dependency on llm-gateway, installed in the config folder's node_modules and named by
 * package in gateway.yaml (`use: <pkg>`): loaded, its `engine` range checked at load, its
 * errors and metrics going through the same engine as the gateway's. Source mode: the
 * package is TypeScript and llm-gateway is this checkout (linked); published-package mode
 * is dist.test.ts.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/engine/server/gateway.ts';
import { postChat, metricValue } from '../../src/testing/client.ts';
import { linkSourcePackage, makeProject, writePluginPackage } from './helpers/project.ts';
import { packageConfig, stampPackage } from './helpers/stamp.ts';

const ask = (url: string, headers: Record<string, string> = {}) =>
  postChat(`${url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { headers });

describe('plugin API: a plugin installed as a package, by name (source mode)', () => {
  let project: string;
  let gw: RunningGateway | undefined;
  before(() => {
    project = makeProject('pkg');
    linkSourcePackage(project);
    writePluginPackage(project, stampPackage('gw-plugin-stamp', '^1.0.0', 'ts'));
    writePluginPackage(project, stampPackage('@acme/gw-plugin-future', '^2.0.0', 'ts'));
    writePluginPackage(project, stampPackage('gw-plugin-sloppy', 'latest', 'ts'));
  });
  afterEach(async () => {
    await gw?.close(1000);
    gw = undefined;
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  const start = async (use: string) => {
    const configPath = path.join(project, `${use.replace(/\W/g, '_')}.yaml`);
    writeFileSync(configPath, packageConfig(use));
    return startGateway({ configPath, port: 0, logger: pino({ level: 'silent' }), watch: false, defaultMetrics: false });
  };

  it('loads `use: <package>` from the config folder’s node_modules and runs it in the pipeline', async () => {
    gw = await start('gw-plugin-stamp');
    const ok = await ask(gw.url);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-stamp'), 'from-a-package');
    // A GatewayError made through llm-gateway/plugin is the registry's own: the client gets its code and status.
    const denied = await ask(gw.url, { 'x-deny': '1' });
    assert.equal(denied.status, 429);
    assert.equal(denied.body.error?.message, 'the stamp plugin says slow down');
    assert.equal(denied.headers.get('retry-after'), '7');
    // Its metric is in the gateway's registry.
    const text = (await gw.metrics.render()).body;
    assert.equal(metricValue(text, 'stamp_requests_total', { denied: 'false' }), 1);
    assert.equal(metricValue(text, 'stamp_requests_total', { denied: 'true' }), 1);
  });

  it('refuses a package whose engine range excludes this plugin API, saying which it needs', async () => {
    await assert.rejects(start('@acme/gw-plugin-future'), (err: Error) => {
      assert.match(err.message, /pipeline\[0\]\.use: plugin "@acme\/gw-plugin-future" needs plugin API \^2\.0\.0; this gateway provides 1\.\d+\.\d+/);
      return true;
    });
    await assert.rejects(start('gw-plugin-sloppy'), /plugin "gw-plugin-sloppy" declares engine "latest", which is not a semver range/);
  });

  it('a package not installed in the config folder is not found elsewhere', async () => {
    await assert.rejects(
      start('gw-plugin-elsewhere'),
      /unknown plugin "gw-plugin-elsewhere": not built in, and no package of that name is installed in node_modules/,
    );
  });
});
