import assert from 'node:assert/strict';
import { dispatch } from '../../../src/engine/routing/dispatch.ts';
import { RoutingState } from '../../../src/engine/routing/board.ts';
import { compilePolicy } from '../../../src/engine/routing/policy.ts';
import { rankDeployments, type StrategyInput } from '../../../src/engine/routing/strategies.ts';
import { HealthBoard } from '../../../src/engine/routing/health.ts';
import { seededRng } from '../../../src/engine/routing/rng.ts';
import { catalogOf, context, deployment, ok } from './helpers.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function input(board: HealthBoard, over: Partial<StrategyInput> = {}): StrategyInput {
  return { rng: seededRng(3), stats: (id) => board.peek(id), cursor: 0, promptTokens: 1000, outputTokens: 1000, stream: false, now: Date.now(), ...over };
}

describe('routing/strategies', () => {
  it('latency: moves traffic off a deployment that becomes slow (share before/after)', async () => {
    const delay: Record<string, number> = { pa: 5, pb: 5 };
    const a = deployment('pa/m', 'chat'),
      b = deployment('pb/m', 'chat');
    const cat = catalogOf([a, b], {
      pa: async () => {
        await wait(delay.pa!);
        return ok();
      },
      pb: async () => {
        await wait(delay.pb!);
        return ok();
      },
    });
    const state = new RoutingState();
    const policy = compilePolicy({ strategy: 'latency' });
    async function phase(waves: number): Promise<number> {
      let onA = 0,
        total = 0;
      for (let w = 0; w < waves; w++) {
        const ctxs = Array.from({ length: 8 }, () => context({ model: 'chat' }));
        await Promise.all(ctxs.map((c) => dispatch(c, new AbortController().signal, { catalog: cat, state, policy, rng: seededRng(w) })));
        for (const c of ctxs) {
          total++;
          if (c.deployment!.id === 'pa/m') onA++;
        }
      }
      return onA / total;
    }
    const before = await phase(15);
    delay.pa = 60;
    await phase(5); // the EWMA learns
    const after = await phase(15);
    assert.ok(before > 0.25 && before < 0.75, `share on a before: ${before}`);
    assert.ok(after < 0.15, `share on a after it slowed down: ${after}`);
  });

  it('weighted: follows weights', () => {
    const board = new HealthBoard();
    const g = [deployment('p/a', 'g', { weight: 9 }), deployment('p/b', 'g', { weight: 1 })];
    const rng = seededRng(11);
    let a = 0;
    for (let i = 0; i < 2000; i++) if (rankDeployments('weighted', g, input(board, { rng }))[0]!.deployment.id === 'p/a') a++;
    assert.ok(a > 1700 && a < 1900, `a first ${a}/2000`);
  });

  it('round-robin rotates by cursor; least-busy prefers fewest in flight', () => {
    const board = new HealthBoard();
    const g = [deployment('p/a', 'g'), deployment('p/b', 'g'), deployment('p/c', 'g')];
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => rankDeployments('round-robin', g, input(board, { cursor: c }))[0]!.deployment.id),
      ['p/a', 'p/b', 'p/c', 'p/a'],
    );
    board.of('p/a').begin();
    board.of('p/a').begin();
    board.of('p/c').begin();
    assert.deepEqual(
      rankDeployments('least-busy', g, input(board)).map((r) => r.deployment.id),
      ['p/b', 'p/c', 'p/a'],
    );
  });

  it('cost: cheapest estimate first; usage: most RPM/TPM headroom first', () => {
    const board = new HealthBoard();
    const cheap = deployment('p/cheap', 'g', { pricing: { input_per_1m: 0.1, output_per_1m: 0.4 }, rpm: 10 });
    const dear = deployment('p/dear', 'g', { pricing: { input_per_1m: 3, output_per_1m: 15 }, rpm: 100 });
    const cost = rankDeployments('cost', [dear, cheap], input(board));
    assert.deepEqual(
      cost.map((r) => r.deployment.id),
      ['p/cheap', 'p/dear'],
    );
    assert.equal(cost[0]!.score, (1000 * 0.1 + 1000 * 0.4) / 1e6);
    const now = Date.now();
    for (let i = 0; i < 8; i++) board.of('p/cheap').sent(now, 10);
    const usage = rankDeployments('usage', [cheap, dear], input(board, { now }));
    assert.deepEqual(
      usage.map((r) => r.deployment.id),
      ['p/dear', 'p/cheap'],
    );
    assert.equal(usage[1]!.score, 1 - 9 / 10);
  });
});
