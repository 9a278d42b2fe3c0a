/** `stores.state` forms for Redis: one node (url), Sentinel, Cluster — exactly one of them. */
import assert from 'node:assert/strict';
import { MINIMAL, linesOf, validate } from '../config/helpers.ts';

const withState = (state: string) => `${MINIMAL}stores:\n  state: ${state}\n  db: { type: memory }\n`;

describe('stores.state for Redis', () => {
  it('takes a Sentinel set and a Cluster, with their defaults', async () => {
    const sentinel = await validate(withState('{ type: redis, sentinel: { name: mymaster, nodes: ["s-0.redis:26379", "[fd00::1]:26379"], password: p } }'));
    assert.deepEqual(sentinel.config.stores.state, {
      type: 'redis',
      sentinel: { name: 'mymaster', nodes: ['s-0.redis:26379', '[fd00::1]:26379'], password: 'p', db: 0, tls: false },
      prefix: 'gw:',
    });
    const cluster = await validate(withState('{ type: redis, cluster: { nodes: ["10.0.0.1:7000"], tls: true }, prefix: "app1:" }'));
    assert.deepEqual(cluster.config.stores.state, { type: 'redis', cluster: { nodes: ['10.0.0.1:7000'], tls: true }, prefix: 'app1:' });
  });

  it('refuses none or two of url, sentinel and cluster', async () => {
    const none = await linesOf(withState('{ type: redis }'));
    assert.ok(
      none.some((l) => l.includes("stores.state: must have required property 'url'")),
      none.join('\n'),
    );
    assert.ok(none.some((l) => l.includes("must have required property 'cluster'")));
    const two = await linesOf(withState('{ type: redis, url: "redis://x", cluster: { nodes: ["a:1"] } }'));
    assert.ok(
      two.some((l) => l.includes('stores.state: must match exactly one schema in oneOf')),
      two.join('\n'),
    );
  });

  it('refuses a node without a port, a Sentinel set without a name, and braces in the prefix', async () => {
    const lines = [
      ...(await linesOf(withState('{ type: redis, cluster: { nodes: ["redis-0"] } }'))),
      ...(await linesOf(withState('{ type: redis, sentinel: { nodes: ["s:26379"] } }'))),
      ...(await linesOf(withState('{ type: redis, url: "redis://x", prefix: "{gw}:" }'))),
    ];
    assert.ok(
      lines.some((l) => l.includes('stores.state.cluster.nodes[0]: must match pattern')),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => l.includes("stores.state.sentinel: must have required property 'name'")));
    assert.ok(lines.some((l) => l.includes('stores.state.prefix: must match pattern')));
  });
});
