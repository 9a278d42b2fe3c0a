/** The permission checks of a resolved key against one request. */
import type { RequestContext } from '../../engine/context.ts';
import type { ModelCatalog } from '../../engine/types.ts';
import type { ResolvedKey } from './resolved.ts';

/**
 * Why the request is not allowed, or undefined when it is. Providers are checked
 * strictly: every deployment behind the model must be on an allowed provider, so a
 * fallback can never carry the request to a provider the key may not use.
 */
export function deniedBecause(k: ResolvedKey, ctx: RequestContext, models: ModelCatalog): string | undefined {
  // Counting a Messages prompt's tokens is part of the Messages API (Claude tooling calls both).
  if (k.endpoints && !k.endpoints.has(ctx.endpoint === 'count_tokens' ? 'messages' : ctx.endpoint)) return 'endpoint';
  const model = ctx.model;
  if (model === undefined) return undefined;
  if (k.models && !k.models(model)) return 'model';
  if (k.providers) {
    const group = models.group(model);
    if (group) for (let i = 0; i < group.length; i++) if (!k.providers.has(group[i]!.provider)) return 'provider';
  }
  return undefined;
}
