import assert from 'node:assert/strict';
import { pino } from 'pino';
import { RequestContext, stateKey } from '../../src/engine/context.ts';
import { settleUsage } from '../../src/engine/usage.ts';
import type { Deployment } from '../../src/engine/types.ts';

function ctx(): RequestContext {
  return new RequestContext({
    id: 'c1',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    clientIp: '127.0.0.1',
    generation: 1,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
  });
}

const priced = { id: 'p/m', name: 'm', pricing: { input_per_1m: 2, output_per_1m: 4 } } as unknown as Deployment;

describe('request context: per-instance slots', () => {
  it('each stateKey is its own slot, whatever its name (two instances of a plugin never share)', () => {
    const first = stateKey<string>('content-filter.response');
    const second = stateKey<string>('content-filter.response');
    const c = ctx();
    c.set(first, 'from the first instance');
    assert.equal(c.get(first), 'from the first instance');
    assert.equal(c.get(second), undefined);
    c.set(second, 'from the second');
    assert.equal(c.get(first), 'from the first instance');
  });
});

describe('usage and cost: one finaliser', () => {
  it('takes a JSON answer’s usage and prices it with the deployment', () => {
    const c = ctx();
    c.deployment = priced;
    c.response = { kind: 'json', status: 200, headers: {}, body: { usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } } };
    settleUsage(c);
    assert.deepEqual(c.usage, { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 });
    assert.equal(c.cost, (1000 * 2 + 500 * 4) / 1e6);
  });

  it('keeps a stream’s recorded usage, and a cost a plugin set (a cache hit costs 0)', () => {
    const c = ctx();
    c.deployment = priced;
    c.usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
    c.cost = 0;
    settleUsage(c);
    assert.equal(c.cost, 0);
  });

  it('embeddings usage (no completion tokens) has a finite cost', () => {
    const c = ctx();
    c.deployment = priced;
    c.response = { kind: 'json', status: 200, headers: {}, body: { usage: { prompt_tokens: 100, total_tokens: 100 } } };
    settleUsage(c);
    assert.equal(c.cost, (100 * 2) / 1e6);
  });

  it('no usage, no cost', () => {
    const c = ctx();
    c.deployment = priced;
    c.response = { kind: 'json', status: 200, headers: {}, body: { data: [] } };
    settleUsage(c);
    assert.equal(c.usage, undefined);
    assert.equal(c.cost, undefined);
  });
});
