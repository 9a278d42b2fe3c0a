import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestGateway, type TestGateway } from '../../test/helpers/gateway.ts';

const here = path.dirname(new URL(import.meta.url).pathname);

describe('plugins/request-tagger', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });

  const config = (pluginConfig: string) => `version: 1
stores: { state: { type: memory }, db: { type: memory } }
providers: { local: { type: mock } }
models: [ { name: m, provider: local, model: m } ]
pipeline:
  - use: ${here}
    config: ${pluginConfig}
  - use: provider
plugins: { roots: [${here}] }
`;

  it('loads by path and tags every answer', async () => {
    gw = await startTestGateway(config('{ header: X-Team, value: search }'));
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-team'), 'search');
  });

  it('a bad config is refused at load, located in the file', async () => {
    await assert.rejects(
      startTestGateway(config('{ header: "bad header", value: x }')),
      /gateway\.yaml:7:\d+ pipeline\[0\]\.config\.header: must match pattern/,
    );
  });
});
