/**
 * The router plugin's config, compiled once per generation: regexes built, keywords
 * lower-cased, example prompts embedded, A/B weights normalised, the routing policy
 * compiled. `plan()` reads only this compiled form.
 *
 * @example
 *   const router = compileRouter({ aliases: { auto: ['mini', 'big'] }, rules: [{ model: 'big', keywords: ['prove'] }] });
 */
import { compilePolicy, type RoutingPolicy } from '../../engine/routing/policy.ts';
import { compileSafeRegex, safeRegexProblem, type SafeRegex } from '../../engine/safe-regex.ts';
import { embedderFor, type Embedder } from '../../engine/embedding/embedder.ts';
import type { RouterConfig } from './config.generated.ts';

/** The config's type is generated from schema.json (npm run schemas). */
export type { RouterConfig };
/** A configurable step (schema.json's `steps`). */
export type StepName = NonNullable<RouterConfig['steps']>[number];
export const STEPS: readonly StepName[] = ['rules', 'embedding', 'ab', 'context_window', 'capabilities', 'cost_ceiling', 'strategy'];

export interface CompiledRule {
  name: string;
  model: string;
  regex?: SafeRegex;
  keywords: string[];
  roles: ReadonlySet<string>;
}
export interface CompiledAb {
  name: string;
  model: string;
  sticky: 'key' | 'user' | 'none';
  variants: Array<{ model: string; upTo: number }>;
}

export interface CompiledRouter {
  seed?: number;
  aliases: ReadonlyMap<string, readonly string[]>;
  steps: readonly StepName[];
  rules: readonly CompiledRule[];
  embedding?: { embedder: Embedder; name: string; minSimilarity: number; rows: Float32Array[]; rowModel: string[] };
  ab: ReadonlyMap<string, CompiledAb>;
  costCeiling?: number;
  policy: RoutingPolicy;
}

export function compileRouter(cfg: Readonly<RouterConfig> = {}): CompiledRouter {
  const rules = (cfg.rules ?? []).map((r, i): CompiledRule => ({
    name: r.name ?? `rule${i + 1}`,
    model: r.model,
    // Linear-time: the text is the client's, so a backtracking engine could be made to stall.
    regex: r.regex ? compileSafeRegex(r.regex, r.flags ?? 'i') : undefined,
    keywords: (r.keywords ?? []).map((k) => k.toLowerCase()),
    roles: new Set(r.roles ?? ['user']),
  }));
  const ab = new Map<string, CompiledAb>();
  for (const e of cfg.ab ?? []) {
    const total = e.variants.reduce((s, v) => s + v.weight, 0) || 1;
    let acc = 0;
    ab.set(e.model, {
      name: e.name,
      model: e.model,
      sticky: e.sticky ?? 'key',
      variants: e.variants.map((v) => ({ model: v.model, upTo: (acc += v.weight) / total })),
    });
  }
  return Object.freeze({
    seed: cfg.seed,
    aliases: new Map(Object.entries(cfg.aliases ?? {})),
    steps: cfg.steps ?? STEPS,
    rules,
    embedding: cfg.embedding ? compileEmbedding(cfg.embedding) : undefined,
    ab,
    costCeiling: cfg.cost_ceiling?.max_usd,
    policy: compilePolicy(cfg),
  });
}

/**
 * The router config's problems a schema cannot see: a rule regex that will not compile
 * for linear-time matching. `at` is the config's path (`pipeline[4].config`).
 *
 * @example
 *   routerConfigIssues({ rules: [{ model: 'big', regex: '(a)\\1' }] }, 'pipeline[0].config')
 *   // [{ path: 'pipeline[0].config.rules[0].regex', message: 'uses a backreference (\\1), which …' }]
 */
export function routerConfigIssues(cfg: Readonly<RouterConfig>, at: string): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  (cfg.rules ?? []).forEach(function checkRule(r, i) {
    const problem = r.regex === undefined ? undefined : safeRegexProblem(r.regex, r.flags ?? 'i');
    if (problem) issues.push({ path: `${at}.rules[${i}].regex`, message: problem });
  });
  return issues;
}

function compileEmbedding(e: NonNullable<RouterConfig['embedding']>): CompiledRouter['embedding'] {
  const name = e.embedder ?? 'hashed-ngram';
  const embedder = embedderFor(name, e.dims ?? 256);
  const rows: Float32Array[] = [],
    rowModel: string[] = [];
  for (const [model, examples] of Object.entries(e.routes)) {
    for (const ex of examples) {
      rows.push(embedder.embed(ex));
      rowModel.push(model);
    }
  }
  return { embedder, name, minSimilarity: e.min_similarity ?? 0.2, rows, rowModel };
}
