/**
 * The routing decision as a pure function: the router plugin and `POST
 * /admin/route/explain` both call `plan()`, so an explanation cannot drift from the
 * decision. Steps run in the declared order: choosing steps (rules, embedding, ab) move
 * a model to the front of the pool (the others stay as backups), filter steps
 * (context_window, capabilities, cost_ceiling) remove deployments and say why, and the
 * strategy orders each model's deployments. Deployments whose breaker sheds traffic go
 * last. Nothing here calls a provider or mutates state, except advancing the
 * round-robin cursor when `advance` is set (a real request).
 *
 * @example
 *   const p = plan(router, features, { catalog, state, rng: seededRng(1), advance: false });
 *   p.candidates.map((d) => d.id); p.removed; p.reason;
 */
import type { Deployment, ModelCatalog } from '../../engine/types.ts';
import { gatewayError, type GatewayError } from '../../engine/errors.ts';
import { missingCapabilities } from '../../engine/capabilities.ts';
import { familyOf } from '../../engine/tokens/encoding.ts';
import type { RoutingState } from '../../engine/routing/board.ts';
import type { Features } from './features.ts';
import { rankGroup } from '../../engine/routing/ranking.ts';
import { bucketOf, type Rng } from '../../engine/routing/rng.ts';
import type { CompiledRouter, StepName } from './config.ts';
import { estimatedCost } from '../../engine/routing/strategies.ts';

export interface Plan {
  requested: string;
  /** The chosen model (first candidate's name). */
  model?: string;
  candidates: Deployment[];
  scores: Array<{ deployment: string; model: string; provider: string; strategy: string; score: number; breaker: string }>;
  removed: Array<{ deployment: string; step: StepName; reason: string }>;
  steps: Array<{ step: StepName; outcome: string }>;
  variant?: { experiment: string; variant: string };
  reason: string;
  promptTokens: number;
  error?: GatewayError;
}

export interface PlanDeps {
  catalog: ModelCatalog;
  state: RoutingState;
  rng: Rng;
  advance: boolean;
  now?: number;
}

export function plan(router: CompiledRouter, f: Features, deps: PlanDeps): Plan {
  const { catalog, state } = deps;
  const isAlias = router.aliases.has(f.requested) || f.requested === 'auto';
  const out: Plan = { requested: f.requested, candidates: [], scores: [], removed: [], steps: [], reason: '', promptTokens: 0 };
  let pool: string[] =
    router.aliases.get(f.requested)?.slice() ?? (f.requested === 'auto' ? [...catalog.names()] : catalog.group(f.requested) ? [f.requested] : []);
  if (pool.length === 0) {
    out.error = gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${f.requested}' does not exist.`, param: 'model' });
    return out;
  }
  const reasons: string[] = [isAlias ? `alias:${f.requested}` : `group:${f.requested}`];
  const prefer = (m: string, why: string, step: StepName) => {
    if (!catalog.group(m)) {
      out.steps.push({ step, outcome: `${why} -> ${m} (unknown model, ignored)` });
      return;
    }
    pool = [m, ...pool.filter((x) => x !== m)];
    out.steps.push({ step, outcome: `${why} -> ${m}` });
    reasons.push(`${step}:${why}->${m}`);
  };
  const gone = new Set<string>();
  const drop = (d: Deployment, step: StepName, reason: string) => {
    gone.add(d.id);
    out.removed.push({ deployment: d.id, step, reason });
  };
  const live = () => pool.flatMap((m) => catalog.group(m) ?? []).filter((d) => !gone.has(d.id));
  const tokensFor = (d: Deployment) => f.tokens[familyOf(d.model)] ?? f.tokens.estimate ?? 0;
  let lastFilter: StepName | undefined;

  for (const step of router.steps) {
    if (step === 'rules' && isAlias) {
      const rule = router.rules.find((r) => ruleMatches(r, f));
      out.steps.push({ step, outcome: rule ? `matched ${rule.name}` : 'no rule matched' });
      if (rule) prefer(rule.model, rule.name, step);
    } else if (step === 'embedding' && isAlias && router.embedding) {
      const n = f.nearest;
      if (n && n.similarity >= router.embedding.minSimilarity) prefer(n.model, `similarity ${n.similarity.toFixed(3)}`, step);
      else out.steps.push({ step, outcome: n ? `nearest ${n.model} at ${n.similarity.toFixed(3)} < ${router.embedding.minSimilarity}` : 'no examples' });
    } else if (step === 'ab') {
      const exp = router.ab.get(f.requested);
      if (!exp) continue;
      const id = exp.sticky === 'key' ? f.keyId : exp.sticky === 'user' ? (f.userId ?? f.keyId) : undefined;
      const x = id === undefined ? deps.rng() : bucketOf(id, exp.name);
      const v = exp.variants.find((w) => x < w.upTo) ?? exp.variants[exp.variants.length - 1]!;
      out.variant = { experiment: exp.name, variant: v.model };
      prefer(v.model, `${exp.name}${id === undefined ? '' : ' (sticky)'}`, step);
    } else if (step === 'context_window') {
      let n = 0;
      for (const d of live()) {
        const need = tokensFor(d) + f.outputTokens;
        if (d.contextWindow && need > d.contextWindow) {
          drop(d, step, `needs ${need} tokens > window ${d.contextWindow}`);
          n++;
        }
      }
      if (n) lastFilter = step;
      out.steps.push({ step, outcome: `${n} removed` });
    } else if (step === 'capabilities') {
      let n = 0;
      for (const d of live()) {
        const missing = missingCapabilities(d, f.need);
        if (missing.length) {
          drop(d, step, `missing ${missing.join(', ')}`);
          n++;
        }
      }
      if (n) lastFilter = step;
      out.steps.push({ step, outcome: `${n} removed` });
    } else if (step === 'cost_ceiling' && router.costCeiling !== undefined) {
      let n = 0;
      for (const d of live()) {
        const usd = estimatedCost(d, tokensFor(d), f.outputTokens);
        if (usd > router.costCeiling) {
          drop(d, step, `est. $${usd.toFixed(6)} > ceiling $${router.costCeiling}`);
          n++;
        }
      }
      if (n) lastFilter = step;
      out.steps.push({ step, outcome: `${n} removed` });
    }
  }

  const now = deps.now ?? Date.now();
  const healthy: Deployment[] = [],
    shed: Deployment[] = [];
  for (const m of pool) {
    const group = (catalog.group(m) ?? []).filter((d) => !gone.has(d.id));
    if (!group.length) continue;
    const strategy = router.policy.group(m).strategy;
    const ranked = rankGroup(m, group, router.policy, state, {
      rng: deps.rng,
      promptTokens: tokensFor(group[0]!),
      outputTokens: f.outputTokens,
      stream: f.stream,
      advance: deps.advance,
      now,
    });
    for (const r of ranked) {
      const b = state.peekBreaker(r.deployment.id);
      const open = b !== undefined && !b.available(now);
      (open ? shed : healthy).push(r.deployment);
      out.scores.push({ deployment: r.deployment.id, model: m, provider: r.deployment.provider, strategy, score: r.score, breaker: b?.state ?? 'closed' });
    }
  }
  out.candidates = [...healthy, ...shed];
  out.model = out.candidates[0]?.name;
  if (out.candidates[0]) {
    out.promptTokens = tokensFor(out.candidates[0]);
    reasons.push(`strategy:${router.policy.group(out.model).strategy}`);
  } else out.error = noCandidateError(lastFilter, f.requested);
  out.reason = reasons.join('; ');
  return out;
}

function ruleMatches(r: CompiledRouter['rules'][number], f: Features): boolean {
  for (const role of r.roles) {
    const text = f.textByRole.get(role);
    if (!text) continue;
    if (r.regex?.test(text)) return true;
    if (r.keywords.length) {
      const lower = text.toLowerCase();
      if (r.keywords.some((k) => lower.includes(k))) return true;
    }
  }
  return false;
}

function noCandidateError(filter: StepName | undefined, model: string): GatewayError {
  if (filter === 'context_window')
    return gatewayError('GW_ERR_CONTEXT_LENGTH_EXCEEDED', {
      message: `The request does not fit the context window of any model behind '${model}'.`,
      param: 'messages',
    });
  if (filter === 'capabilities')
    return gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', { message: `No model behind '${model}' supports this request.`, param: 'model' });
  if (filter === 'cost_ceiling') return gatewayError('GW_ERR_NO_HEALTHY_DEPLOYMENT', { message: `No model behind '${model}' is under the cost ceiling.` });
  return gatewayError('GW_ERR_NO_HEALTHY_DEPLOYMENT', { message: `No deployment of '${model}' is available.` });
}
