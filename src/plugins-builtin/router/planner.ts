/**
 * A planner binds a compiled router to a generation's catalog, the routing state and the
 * worker pool: `route()` computes features and runs `plan()`. The router plugin
 * registers its planner per generation so `POST /admin/route/explain` runs the very same
 * code on the same config. With a `seed`, randomness is derived from the request itself,
 * so explaining a request reproduces the decision the router made for it.
 *
 * @example
 *   const planner = createPlanner(compileRouter(cfg), { catalog, state, pool });
 *   const p = await planner.route({ endpoint: 'chat', body }, { advance: false });
 */
import type { ModelCatalog } from '../../engine/types.ts';
import type { WorkerPool } from '../../engine/workers/pool.ts';
import type { RoutingState } from '../../engine/routing/board.ts';
import { requestFeatures, type Features, type PlanRequest } from './features.ts';
import { plan, type Plan } from './plan.ts';
import { fnv1a, seededRng, type Rng } from '../../engine/routing/rng.ts';
import type { CompiledRouter } from './config.ts';

export interface Planner {
  readonly router: CompiledRouter;
  route(req: PlanRequest, opts: { advance: boolean }): Promise<Plan & { features: Features }>;
}

export function createPlanner(router: CompiledRouter, deps: { catalog: ModelCatalog; state: RoutingState; pool?: WorkerPool }): Planner {
  function rngFor(f: Features): Rng {
    if (router.seed === undefined) return Math.random;
    let text = '';
    for (const [role, t] of f.textByRole) text += `${role}:${t}`;
    return seededRng(fnv1a(`${router.seed}|${f.keyId ?? ''}|${f.requested}|${text}`));
  }
  return {
    router,
    async route(req, opts) {
      const features = await requestFeatures(router, req, deps.catalog, deps.pool);
      const p = plan(router, features, { catalog: deps.catalog, state: deps.state, rng: rngFor(features), advance: opts.advance });
      return { ...p, features };
    },
  };
}

// Keyed by the generation's catalog object: generation numbers restart per Runtime
// (several gateways in one test process), the catalog is unique to its generation.
const planners = new WeakMap<ModelCatalog, Planner>();

/** The router plugin of a generation registers its planner (explain uses it). */
export function registerPlanner(catalog: ModelCatalog, p: Planner): void {
  planners.set(catalog, p);
}
export function unregisterPlanner(catalog: ModelCatalog, p: Planner): void {
  if (planners.get(catalog) === p) planners.delete(catalog);
}
export function plannerFor(catalog: ModelCatalog): Planner | undefined {
  return planners.get(catalog);
}
