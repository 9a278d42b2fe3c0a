/**
 * The semantic cache on a Redis Cluster: two gateways share exact and semantic hits, with
 * entries spread over the masters by their own names (no command touches two slots).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { redisCall, startRedisCluster, type RedisCluster } from '../../helpers/redis-servers.ts';
import { parseNode } from '../../../src/engine/stores/redis-connect.ts';
import { cacheConfig, calls, chat, metric, until } from './helpers.ts';

describe('semantic-cache on a 3-node Redis Cluster', function () {
  this.timeout(30_000);
  let cluster: RedisCluster;
  let upstream: FakeOpenAI;
  const gws: TestGateway[] = [];

  before(async () => {
    cluster = await startRedisCluster(3);
    upstream = await startFakeOpenAI({ reply: 'from replica one' });
  });
  after(async () => {
    for (const g of gws.splice(0)) await g.stop();
    await upstream?.close();
    await cluster?.stop();
  });

  it('two gateways share exact and semantic hits; entries land on every master', async () => {
    const state = `{ type: redis, cluster: { nodes: [${cluster.nodes.map((n) => `"${n}"`).join(', ')}] }, prefix: "test:sc:" }`;
    // A generous lookup deadline: on a busy machine a slow lookup would bypass the cache.
    for (let i = 0; i < 2; i++)
      gws.push(await startTestGateway(cacheConfig({ upstream, cache: '{ similarity_threshold: 0.85, lookup_timeout_ms: 5000 }', state })));
    const [one, two] = gws as [TestGateway, TestGateway];
    const stored = () => metric(one, 'gateway_cache_requests_total', 'result="store"');

    await chat(one, 'Explain how a hash map works in simple terms.');
    await until(async () => (await stored()) === 1);
    upstream.behave.reply = 'from replica two';
    const exact = await chat(two, 'Explain how a hash map works in simple terms.');
    assert.equal(exact.headers.get('x-gateway-cache'), 'hit');
    assert.equal(exact.json.choices[0].message.content, 'from replica one');
    const para = await chat(two, 'Please explain how a hash map works, in simple terms.');
    assert.equal(para.headers.get('x-gateway-cache'), 'hit');
    assert.ok(Number(para.headers.get('x-gateway-cache-similarity')) >= 0.85);
    assert.equal(calls(upstream), 1);

    // More answers: entries spread by their own key over the masters.
    for (let i = 0; i < 20; i++) await chat(one, `${randomBytes(12).toString('hex')} ${randomBytes(12).toString('base64')}`);
    await until(async () => (await stored()) === 21, 5000);
    const perNode = await Promise.all(cluster.nodes.map((n) => redisCall(parseNode(n).port, 'DBSIZE')));
    assert.ok(
      perNode.every((n) => Number(n) > 0),
      `keys per master: ${perNode}`,
    );
  });
});
