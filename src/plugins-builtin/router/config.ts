/**
 * The router plugin's config, compiled once per generation: rule regexes built, keywords
 * lower-cased, example prompts embedded, A/B weights normalised, the routing policy
 * compiled. `plan()` reads only this compiled form.
 *
 * @example
 *   const router = compileRouter({ aliases: { auto: ['mini', 'big'] }, rules: [{ model: 'big', keywords: ['prove'] }] });
 */
import { compilePolicy, type RoutingPolicy } from '../../engine/routing/policy.ts';
import { compileAb, type CompiledAb } from './ab.ts';
import { compileEmbedding, type CompiledEmbedding } from './embedding.ts';
import { compileRules, ruleIssues, type CompiledRule } from './rules.ts';
import type { RouterConfig } from './config.generated.ts';

/** The config's type is generated from schema.json (npm run schemas). */
export type { RouterConfig };
/** A configurable step (schema.json's `steps`). */
export type StepName = NonNullable<RouterConfig['steps']>[number];
export const STEPS: readonly StepName[] = ['rules', 'embedding', 'ab', 'context_window', 'capabilities', 'cost_ceiling', 'strategy'];
/** The steps that choose a model (the first to choose decides); the others filter or order. */
export const CHOOSING_STEPS: ReadonlySet<StepName> = new Set(['rules', 'embedding', 'ab']);

export interface CompiledRouter {
  seed?: number;
  aliases: ReadonlyMap<string, readonly string[]>;
  steps: readonly StepName[];
  rules: readonly CompiledRule[];
  embedding?: CompiledEmbedding;
  ab: ReadonlyMap<string, CompiledAb>;
  costCeiling?: number;
  policy: RoutingPolicy;
}

export function compileRouter(cfg: Readonly<RouterConfig> = {}): CompiledRouter {
  return Object.freeze({
    seed: cfg.seed,
    aliases: new Map(Object.entries(cfg.aliases ?? {})),
    steps: cfg.steps ?? STEPS,
    rules: compileRules(cfg.rules),
    embedding: cfg.embedding ? compileEmbedding(cfg.embedding) : undefined,
    ab: compileAb(cfg.ab),
    costCeiling: cfg.cost_ceiling?.max_usd,
    policy: compilePolicy(cfg),
  });
}

/** Whether a requested name is an alias (rules and embeddings apply to aliases only). */
export function isAlias(router: CompiledRouter, name: string): boolean {
  return router.aliases.has(name) || name === 'auto';
}

/**
 * The router config's problems a schema cannot see (checked when the config loads).
 * `at` is the config's path (`pipeline[4].config`).
 */
export function routerConfigIssues(cfg: Readonly<RouterConfig>, at: string): Array<{ path: string; message: string }> {
  return ruleIssues(cfg.rules, at);
}
