/**
 * What the endpoint fuzzer (fuzz-endpoints.test.ts) found, one focused case each, so a
 * finding stays fixed whatever seed the fuzzer runs with.
 */
import assert from 'node:assert/strict';
import { mockConfig, postJson, startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

const KEY = 'sk-fuzz-findings-00000000000000001';

describe('endpoint fuzzer findings', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  const auth = { authorization: `Bearer ${KEY}` };

  before(async () => {
    gw = await startTestGateway(
      mockConfig(`keys: [ { name: ci, key: "${KEY}" } ]`).replace(
        'pipeline: [ { use: metrics }, { use: validation }, { use: provider } ]',
        'pipeline: [ { use: metrics }, { use: auth }, { use: provider } ]',
      ),
      { captureLogs: true },
    );
  });
  after(async () => {
    await gw.stop();
  });

  it('a malformed %-escape in a stored response id (GET, DELETE, input_items) → 404, not a URIError 500', async () => {
    const stored = await postJson(`${gw.url}/v1/responses`, { model: 'mock-gpt', input: 'hi', store: true }, auth);
    assert.equal(stored.status, 200, JSON.stringify(stored.json));
    for (const [method, path] of [
      ['GET', '/v1/responses/%E0%A4%A'],
      ['DELETE', '/v1/responses/%E0%A4%A'],
      ['GET', '/v1/responses/%E0%A4%A/input_items?limit=1'],
      ['GET', '/v1/responses/%/input_items'],
    ] as const) {
      const r = await fetch(`${gw.url}${path}`, { method, headers: auth });
      const body = (await r.json()) as { error: { code: string; param: string } };
      assert.equal(r.status, 404, `${method} ${path}: ${JSON.stringify(body)}`);
      assert.equal(body.error.code, 'not_found');
      assert.equal(body.error.param, 'response_id');
    }
    // The stored one is still reachable by its real id.
    const again = await fetch(`${gw.url}/v1/responses/${stored.json.id as string}`, { headers: auth });
    assert.equal(again.status, 200);
  });

  it('logged no error for any of it', () => {
    assert.deepEqual(
      gw.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 300)),
      [],
    );
  });
});
