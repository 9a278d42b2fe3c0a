/**
 * The permission checks of a resolved key against one request, before anything else runs:
 * the endpoint, the name asked for (a model or an alias), and, for a model group, that at
 * least one of its deployments may serve the key. Which deployment does serve it is
 * checked again where it is chosen (the router's plan, dispatch's fallbacks and every
 * attempt: src/engine/routing/permits.ts), so a deployment the key may not use is removed
 * from the candidates rather than refusing the whole group.
 */
import type { RequestContext } from '../../engine/context.ts';
import type { ModelCatalog } from '../../engine/types.ts';
import { permitOf, type Denial } from '../../engine/routing/permits.ts';
import type { ResolvedKey } from './resolved.ts';

/** Why the request is not allowed, or undefined when it is. */
export function deniedBecause(k: ResolvedKey, ctx: RequestContext, models: ModelCatalog): 'endpoint' | Denial | undefined {
  const permit = permitOf(k.principal);
  if (!permit) return undefined;
  if (!permit.allowsEndpoint(ctx.endpoint)) return 'endpoint';
  const model = ctx.model;
  if (model === undefined) return undefined;
  if (!permit.allowsName(model)) return 'model';
  const group = models.group(model);
  if (!group) return undefined; // an alias (or an unknown name): the router decides, candidate by candidate
  let denial: Denial | undefined;
  for (let i = 0; i < group.length; i++) {
    denial = permit.denies(group[i]!);
    if (!denial) return undefined;
  }
  return denial;
}
