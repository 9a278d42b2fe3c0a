/**
 * Where this transform instance sits in the loaded config, found by identity of its
 * (frozen) config object: the config path that load errors name (`pipeline[2].config`),
 * whether it is in a proxy route's pipeline, and the router plugins around it, whose
 * aliases are valid `rename_model` targets when they run after it.
 */
import type { PluginEnv } from '../../engine/types.ts';
import type { PipelineEntry } from '../../engine/config/types.ts';

export interface Placement {
  /** Config path of this instance's `config`; `config` when it cannot be found (unit tests). */
  at: string;
  inProxyRoute: boolean;
  /** A router runs before this transform: it has already planned the route from the model. */
  routerBefore: boolean;
  /** Names a router after this transform resolves (its aliases and `auto`). */
  routerNames: ReadonlySet<string>;
}

export function placementOf(env: Pick<PluginEnv, 'config'>, config: object): Placement {
  const main = env.config?.pipeline ?? [];
  const i = main.findIndex((e) => e.config === config);
  if (i >= 0) return { at: `pipeline[${i}].config`, inProxyRoute: false, ...routersAround(main, i) };
  const routes = env.config?.routes ?? [];
  for (let r = 0; r < routes.length; r++) {
    const j = (routes[r]!.pipeline ?? []).findIndex((e) => e.config === config);
    if (j >= 0) return { at: `routes[${r}].pipeline[${j}].config`, inProxyRoute: true, routerBefore: false, routerNames: new Set() };
  }
  return { at: 'config', inProxyRoute: false, routerBefore: false, routerNames: new Set() };
}

function routersAround(pipeline: readonly PipelineEntry[], self: number): Pick<Placement, 'routerBefore' | 'routerNames'> {
  const names = new Set<string>();
  let routerBefore = false;
  pipeline.forEach(function noteRouter(e, k) {
    if (e.use !== 'router') return;
    if (k < self) {
      routerBefore = true;
      return;
    }
    names.add('auto');
    for (const alias of Object.keys((e.config as { aliases?: object } | undefined)?.aliases ?? {})) names.add(alias);
  });
  return { routerBefore, routerNames: names };
}
