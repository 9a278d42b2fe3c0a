/**
 * The routing decision as a pure function: the router plugin and `POST
 * /admin/route/explain` both call `plan()`, so an explanation cannot drift from the
 * decision. First, the deployments the caller's key may not use are removed (explained as
 * `permission`; so is any model a later step brings in). Then the steps run in the
 * declared order: choosing steps (rules, embedding, ab) move a model to the front of the
 * pool (the others stay as backups) — the first one that chooses decides, so with the
 * default order an explicit rule wins over an embedding match; filter steps
 * (context_window, capabilities, cost_ceiling) remove deployments and say why; the
 * strategy orders each model's deployments. Deployments whose breaker sheds traffic go
 * last. Nothing here calls a provider or mutates state, except advancing the round-robin
 * cursor when `advance` is set (a real request).
 *
 * @example
 *   const p = plan(router, features, { catalog, state, rng: seededRng(1), advance: false });
 *   p.candidates.map((d) => d.id); p.removed; p.reason;
 */
import { capabilityParam } from '../../engine/capabilities.ts';
import type { Capability } from '../../engine/openai-types.ts';
import type { Deployment, ModelCatalog } from '../../engine/types.ts';
import { gatewayError, type GatewayError } from '../../engine/errors.ts';
import { familyOf } from '../../engine/tokens/encoding.ts';
import type { RoutingState } from '../../engine/routing/board.ts';
import { rankGroup } from '../../engine/routing/ranking.ts';
import type { Rng } from '../../engine/routing/rng.ts';
import { variantOf } from './ab.ts';
import { CHOOSING_STEPS, isAlias, type CompiledRouter, type StepName } from './config.ts';
import type { Features } from './features.ts';
import { capabilities, contextWindow, costCeiling } from './filters.ts';
import { CandidatePool, type PlanStep, type Removed } from './pool.ts';
import { firstMatch } from './rules.ts';

export interface Plan {
  requested: string;
  /** The chosen model (first candidate's name). */
  model?: string;
  candidates: Deployment[];
  scores: Array<{ deployment: string; model: string; provider: string; strategy: string; score: number; breaker: string }>;
  removed: Removed[];
  steps: Array<{ step: PlanStep; outcome: string }>;
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
  const { catalog } = deps;
  const alias = isAlias(router, f.requested);
  const out: Plan = { requested: f.requested, candidates: [], scores: [], removed: [], steps: [], reason: '', promptTokens: 0 };
  const names = router.aliases.get(f.requested) ?? (f.requested === 'auto' ? catalog.names() : catalog.group(f.requested) ? [f.requested] : []);
  if (names.length === 0) {
    out.error = gatewayError('GW_ERR_MODEL_NOT_FOUND', { message: `The model '${f.requested}' does not exist.`, param: 'model' });
    return out;
  }
  const pool = new CandidatePool(catalog, f.permit);
  for (const m of names) pool.admit(m);
  if (f.permit) out.steps.push({ step: 'permission', outcome: `${pool.removedBy('permission')} removed` });
  const reasons: string[] = [alias ? `alias:${f.requested}` : `group:${f.requested}`];
  const tokensFor = (d: Deployment) => f.tokens[familyOf(d.model)] ?? f.tokens.estimate ?? 0;
  let chosen: { step: StepName; model: string } | undefined;
  /** A choosing step's pick: to the front, unless the key may use none of its deployments. */
  const choose = (m: string, why: string, step: StepName): boolean => {
    if (!catalog.group(m)) {
      out.steps.push({ step, outcome: `${why} -> ${m} (unknown model, ignored)` });
      return false;
    }
    if (!pool.admit(m, { front: true })) {
      out.steps.push({ step, outcome: `${why} -> ${m} (no deployment left, ignored)` });
      return false;
    }
    chosen = { step, model: m };
    out.steps.push({ step, outcome: `${why} -> ${m}` });
    reasons.push(`${step}:${why}->${m}`);
    return true;
  };
  let lastFilter: StepName | undefined;
  let lacked: readonly Capability[] = [];
  const filtered = (step: StepName, n: number, extra = '') => {
    if (n) lastFilter = step;
    out.steps.push({ step, outcome: `${n} removed${extra}` });
  };

  /** Whether a choosing step acts on this request: rules and embeddings on aliases, A/B on its model. */
  const applies = (step: StepName) =>
    step === 'ab' ? router.ab.has(f.requested) : alias && (step === 'rules' || (step === 'embedding' && router.embedding !== undefined));
  for (const step of router.steps) {
    if (chosen && CHOOSING_STEPS.has(step) && applies(step)) {
      out.steps.push({ step, outcome: `skipped: ${chosen.step} chose ${chosen.model}` });
    } else if (step === 'rules' && alias) {
      const rule = firstMatch(router.rules, f.textByRole);
      if (rule) choose(rule.model, rule.name, step);
      else out.steps.push({ step, outcome: 'no rule matched' });
    } else if (step === 'embedding' && alias && router.embedding) {
      const n = f.nearest;
      if (n && n.similarity >= router.embedding.minSimilarity) choose(n.model, `similarity ${n.similarity.toFixed(3)}`, step);
      else out.steps.push({ step, outcome: n ? `nearest ${n.model} at ${n.similarity.toFixed(3)} < ${router.embedding.minSimilarity}` : 'no examples' });
    } else if (step === 'ab') {
      const exp = router.ab.get(f.requested);
      if (!exp) continue;
      const v = variantOf(exp, f, deps.rng);
      if (choose(v.model, `${exp.name}${v.sticky ? ' (sticky)' : ''}`, step)) out.variant = { experiment: exp.name, variant: v.model };
    } else if (step === 'context_window') {
      const { removed, fallbacks } = contextWindow(pool, f, router, tokensFor);
      for (const fb of fallbacks) reasons.push(`context_window:fallback(${fb})`);
      filtered(step, removed, fallbacks.length ? `; fallback ${fallbacks.join(', ')}` : '');
    } else if (step === 'capabilities') {
      const c = capabilities(pool, f);
      if (c.removed) lacked = c.missing;
      filtered(step, c.removed);
    } else if (step === 'cost_ceiling' && router.costCeiling !== undefined) {
      filtered(step, costCeiling(pool, f, router.costCeiling, tokensFor));
    }
  }

  rank(router, pool, f, deps, tokensFor, out);
  out.removed = pool.removed;
  const denied = pool.removedBy('permission');
  if (denied) reasons.splice(1, 0, `removed:permission=${denied}`);
  if (out.candidates[0]) {
    out.model = out.candidates[0].name;
    out.promptTokens = tokensFor(out.candidates[0]);
    reasons.push(`strategy:${router.policy.group(out.model).strategy}`);
  } else out.error = denied > 0 && pool.permitted === 0 ? forbidden(f.requested) : noCandidateError(lastFilter, f.requested, lacked);
  out.reason = reasons.join('; ');
  return out;
}

/** Each model's deployments in its strategy's order; those whose breaker sheds traffic go last. */
function rank(router: CompiledRouter, pool: CandidatePool, f: Features, deps: PlanDeps, tokensFor: (d: Deployment) => number, out: Plan): void {
  const now = deps.now ?? Date.now();
  const healthy: Deployment[] = [],
    shed: Deployment[] = [];
  for (const m of pool.models()) {
    const group = pool.liveOf(m);
    if (!group.length) continue;
    const strategy = router.policy.group(m).strategy;
    const ranked = rankGroup(m, group, router.policy, deps.state, {
      rng: deps.rng,
      promptTokens: tokensFor(group[0]!),
      outputTokens: f.outputTokens,
      stream: f.stream,
      advance: deps.advance,
      now,
    });
    for (const r of ranked) {
      const b = deps.state.peekBreaker(r.deployment.id);
      const open = b !== undefined && !b.available(now);
      (open ? shed : healthy).push(r.deployment);
      out.scores.push({ deployment: r.deployment.id, model: m, provider: r.deployment.provider, strategy, score: r.score, breaker: b?.state ?? 'closed' });
    }
  }
  out.candidates = [...healthy, ...shed];
}

function forbidden(model: string): GatewayError {
  return gatewayError('GW_ERR_FORBIDDEN', { message: `This API key may not use any model behind '${model}'.`, param: 'model' });
}

function noCandidateError(filter: StepName | undefined, model: string, lacked: readonly Capability[]): GatewayError {
  if (filter === 'context_window')
    return gatewayError('GW_ERR_CONTEXT_LENGTH_EXCEEDED', {
      message: `The request does not fit the context window of any model behind '${model}'.`,
      param: 'messages',
    });
  if (filter === 'capabilities')
    return gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', {
      message: `No model behind '${model}' supports this request (missing ${lacked.join(', ')}).`,
      param: capabilityParam(lacked),
    });
  if (filter === 'cost_ceiling') return gatewayError('GW_ERR_NO_HEALTHY_DEPLOYMENT', { message: `No model behind '${model}' is under the cost ceiling.` });
  return gatewayError('GW_ERR_NO_HEALTHY_DEPLOYMENT', { message: `No deployment of '${model}' is available.` });
}
