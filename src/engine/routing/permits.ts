/**
 * What a caller's key may be served by. A key's permissions are checked against every
 * deployment that could serve the request, never only against the name the client sent:
 * an alias, a rule, an A/B variant, a fallback or a hedge must not carry the request to a
 * model or provider the key may not use. One place, so every path agrees: the auth plugin
 * (the endpoint and the name asked for), the router's plan (candidates removed, explained
 * as `permission`), dispatch (fallback targets, and the one place attempts are launched),
 * `/v1/models` and the Responses API's feature check.
 *
 * A key's `models` names the models that may serve it (and the names it may ask for, an
 * alias included): `*` is every model, `gpt-4o*` a prefix, anything else an exact name.
 * `providers` names the providers its deployments may be on. Compiled once per key (the
 * principal's frozen `permissions` object), so a request costs a WeakMap lookup.
 *
 * @example
 *   const permit = permitOf(ctx.principal); // undefined: nothing restricted
 *   permit?.denies(deployment); // 'model' | 'provider' | undefined
 */
import type { Principal } from '../context.ts';
import type { Deployment } from '../types.ts';

export type Denial = 'model' | 'provider';

export interface Permit {
  /** May the key ask for this name (a model or an alias)? */
  allowsName(name: string): boolean;
  /** May the key call this endpoint (`count_tokens` belongs to `messages`)? */
  allowsEndpoint(endpoint: string): boolean;
  /** Why this deployment may not serve the key, or undefined when it may. */
  denies(d: Deployment): Denial | undefined;
}

export type NameMatcher = (name: string) => boolean;

/** `*` allows all; `gpt-4o*` allows a prefix; anything else is an exact name. */
export function modelMatcher(patterns: readonly string[]): NameMatcher {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return function allowedModel(model) {
    if (exact.has(model)) return true;
    for (let i = 0; i < prefixes.length; i++) if (model.startsWith(prefixes[i]!)) return true;
    return false;
  };
}

const compiled = new WeakMap<NonNullable<Principal['permissions']>, Permit>();

/** The principal's permit; undefined when its key restricts nothing (no principal, no permissions). */
export function permitOf(principal: Principal | undefined): Permit | undefined {
  const p = principal?.permissions;
  if (!p) return undefined;
  let permit = compiled.get(p);
  if (!permit) {
    permit = compile(p);
    compiled.set(p, permit);
  }
  return permit;
}

function compile(p: NonNullable<Principal['permissions']>): Permit {
  const models = p.models ? modelMatcher(p.models) : undefined;
  const providers = p.providers ? new Set(p.providers) : undefined;
  const endpoints = p.endpoints ? new Set(p.endpoints) : undefined;
  return Object.freeze({
    allowsName: (name: string) => models === undefined || models(name),
    allowsEndpoint: (endpoint: string) => endpoints === undefined || endpoints.has(endpoint === 'count_tokens' ? 'messages' : endpoint),
    denies(d: Deployment): Denial | undefined {
      if (models && !models(d.name)) return 'model';
      if (providers && !providers.has(d.provider)) return 'provider';
      return undefined;
    },
  });
}

/** The reason a removed candidate is explained with. */
export function denialReason(why: Denial): string {
  return why === 'model' ? "the key's models do not include it" : "the key's providers do not include it";
}
