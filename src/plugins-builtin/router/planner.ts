/**
 * A planner binds a compiled router to a generation's catalog, the routing state and the
 * worker pool: `route()` computes features and runs `plan()`. The router instance carries
 * its planner (`withPlanner`), so `POST /admin/route/explain` finds it through the
 * generation serving now (`plannerIn(gen.llm)`) and runs the very same code on the same
 * config — no registry outlives a generation. With a `seed`, randomness is derived from
 * the request itself, so explaining a request reproduces the decision the router made.
 *
 * @example
 *   const planner = createPlanner(compileRouter(cfg), { catalog, state, pool });
 *   const p = await planner.route({ endpoint: 'chat', body }, { advance: false });
 */
import type { CompiledPipeline } from '../../engine/compile.ts';
import type { ModelCatalog } from '../../engine/types.ts';
import type { WorkerPool } from '../../engine/workers/pool.ts';
import type { RoutingState } from '../../engine/routing/board.ts';
import { fnv1a, seededRng, type Rng } from '../../engine/routing/rng.ts';
import { familyOf, type TokenFamily } from '../../engine/tokens/encoding.ts';
import { isAlias, type CompiledRouter } from './config.ts';
import { requestFeatures, type Features, type PlanRequest } from './features.ts';
import { plan, type Plan } from './plan.ts';

export interface Planner {
  readonly router: CompiledRouter;
  route(req: PlanRequest, opts: { advance: boolean }): Promise<Plan & { features: Features }>;
}

export function createPlanner(router: CompiledRouter, deps: { catalog: ModelCatalog; state: RoutingState; pool?: WorkerPool }): Planner {
  // Per name a client may send (aliases and models: bounded by the config), made on first use.
  const familiesByName = new Map<string, readonly TokenFamily[]>();
  function familiesFor(name: string): readonly TokenFamily[] {
    let families = familiesByName.get(name);
    if (!families) {
      if (!isAlias(router, name) && !deps.catalog.group(name)) return [];
      const set = new Set<TokenFamily>();
      for (const m of reachable(router, deps.catalog, name)) for (const d of deps.catalog.group(m) ?? []) set.add(familyOf(d.model));
      families = [...set];
      familiesByName.set(name, families);
    }
    return families;
  }
  function rngFor(f: Features): Rng {
    if (router.seed === undefined) return Math.random;
    let text = '';
    for (const [role, t] of f.textByRole) text += `${role}:${t}`;
    return seededRng(fnv1a(`${router.seed}|${f.keyId ?? ''}|${f.requested}|${text}`));
  }
  return {
    router,
    async route(req, opts) {
      const model = (req.body as { model?: unknown } | undefined)?.model;
      const features = await requestFeatures(router, req, familiesFor(typeof model === 'string' ? model : ''), deps.pool);
      const p = plan(router, features, { catalog: deps.catalog, state: deps.state, rng: rngFor(features), advance: opts.advance });
      return { ...p, features };
    },
  };
}

/**
 * Every model a plan for `name` could reach: its alias's models (every model for `auto`),
 * rule and embedding targets, A/B variants, and context-window fallback chains — so the
 * prompt is counted with each one's tokenizer.
 */
function reachable(router: CompiledRouter, catalog: ModelCatalog, name: string): Set<string> {
  const out = new Set(router.aliases.get(name) ?? (name === 'auto' ? catalog.names() : [name]));
  if (isAlias(router, name)) {
    for (const r of router.rules) out.add(r.model);
    for (const m of router.embedding?.rowModel ?? []) out.add(m);
  }
  for (const v of router.ab.get(name)?.variants ?? []) out.add(v.model);
  const queue = [...out];
  for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
    const chains = router.policy.group(m).fallbacks;
    for (const next of chains.context_length_exceeded ?? chains.any ?? []) {
      if (out.has(next)) continue;
      out.add(next);
      queue.push(next);
    }
  }
  return out;
}

const PLANNER = Symbol('router.planner');

/** The router instance, carrying its planner for the generation that made it. */
export function withPlanner<I extends object>(instance: I, planner: Planner): I {
  return Object.assign(instance, { [PLANNER]: planner });
}

/** The planner of the router in a generation's pipeline; undefined when no router runs there. */
export function plannerIn(pipeline: CompiledPipeline): Planner | undefined {
  for (const p of pipeline.plugins) {
    const planner = (p.instance as { [PLANNER]?: Planner })[PLANNER];
    if (planner) return planner;
  }
  return undefined;
}
