/**
 * The models a plan is choosing among, in preference order, and the deployments removed
 * from them (by which step, and why). A model enters through `admit`, and the deployments
 * the caller's key may not use leave at once, explained as `permission`: whatever brings a
 * model in (the alias, a rule, an embedding match, an A/B variant, a context-window
 * fallback), no later step can choose a deployment the key may not use.
 *
 * @example
 *   const pool = new CandidatePool(catalog, permitOf(principal));
 *   pool.admit('gpt-4o'); pool.live(); pool.removed; // [{ deployment, step: 'permission', reason }]
 */
import type { Deployment, ModelCatalog } from '../../engine/types.ts';
import { denialReason, type Permit } from '../../engine/routing/permits.ts';
import type { StepName } from './config.ts';

/** A plan's steps: the configurable ones, and the permission check that always runs first. */
export type PlanStep = StepName | 'permission';

export interface Removed {
  deployment: string;
  model: string;
  step: PlanStep;
  reason: string;
}

export class CandidatePool {
  private readonly order: string[] = [];
  private readonly gone = new Set<string>();
  readonly removed: Removed[] = [];
  /** Deployments admitted that the key may use (0 with some admitted: a 403, not a filter's error). */
  permitted = 0;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly permit: Permit | undefined,
  ) {}

  /**
   * Bring a model into the pool: at the front, right after `after`, or last. A model
   * already in it only moves when `front` is asked. Returns whether it has a deployment left.
   */
  admit(model: string, where: { front?: boolean; after?: string } = {}): boolean {
    const group = this.catalog.group(model);
    if (!group) return false;
    const at = this.order.indexOf(model);
    if (at >= 0) {
      if (where.front) this.order.unshift(...this.order.splice(at, 1));
      return this.liveOf(model).length > 0;
    }
    const after = where.after === undefined ? -1 : this.order.indexOf(where.after);
    if (where.front) this.order.unshift(model);
    else if (after >= 0) this.order.splice(after + 1, 0, model);
    else this.order.push(model);
    for (const d of group) {
      const why = this.permit?.denies(d);
      if (why) this.drop(d, 'permission', denialReason(why));
      else this.permitted++;
    }
    return this.liveOf(model).length > 0;
  }

  has(model: string): boolean {
    return this.order.includes(model);
  }

  drop(d: Deployment, step: PlanStep, reason: string): void {
    this.gone.add(d.id);
    this.removed.push({ deployment: d.id, model: d.name, step, reason });
  }

  /** The models, in preference order. */
  models(): readonly string[] {
    return this.order;
  }

  liveOf(model: string): Deployment[] {
    return (this.catalog.group(model) ?? []).filter((d) => !this.gone.has(d.id));
  }

  live(): Deployment[] {
    return this.order.flatMap((m) => this.liveOf(m));
  }

  removedBy(step: PlanStep): number {
    let n = 0;
    for (const r of this.removed) if (r.step === step) n++;
    return n;
  }
}
