/**
 * The request operations, each made once at load from its config and run per matching
 * request on an Edit: in-place changes to the parsed body, or a new body (remove copies
 * only the containers it changes), with `changed` set when the body differs.
 */
import { getAt, setAt, without, type FieldPath } from './paths.ts';
import type { ConfigProblem } from './compile.ts';

/** The request being rewritten. */
export interface Edit {
  body: Record<string, unknown>;
  changed: boolean;
  /** Set by rename_model: the model the rest of the pipeline must route. */
  model?: string;
}

export type RequestOp = (e: Edit) => void;

export function renameTo(model: string): RequestOp {
  return function renameModel(e) {
    if (e.body.model === model) return;
    e.body.model = e.model = model;
    e.changed = true;
  };
}

export function renameByMap(map: ReadonlyMap<string, string>): RequestOp {
  return function renameModelByMap(e) {
    const to = map.get(e.body.model as string);
    if (to === undefined || to === e.body.model) return;
    e.body.model = e.model = to;
    e.changed = true;
  };
}

export function removeOp(path: FieldPath): RequestOp {
  return function removeField(e) {
    const next = without(e.body, path) as Record<string, unknown>;
    if (next === e.body) return;
    e.body = next;
    e.changed = true;
  };
}

// Config values are deep-frozen and shared by every request: an object value is copied
// per request so a later plugin or adapter may edit the body it is given.
const fresh = (v: unknown): (() => unknown) | undefined => (v !== null && typeof v === 'object' ? () => structuredClone(v) : undefined);

export function setOp(path: FieldPath, value: unknown): RequestOp {
  const copy = fresh(value);
  return function setField(e) {
    if (!copy && getAt(e.body, path) === value) return;
    setAt(e.body, path, copy ? copy() : value);
    e.changed = true;
  };
}

export function defaultOp(path: FieldPath, value: unknown): RequestOp {
  const copy = fresh(value);
  return function defaultField(e) {
    // null counts as absent: OpenAI reads `"max_tokens": null` as "not set".
    if (getAt(e.body, path) != null) return;
    setAt(e.body, path, copy ? copy() : value);
    e.changed = true;
  };
}

export function clampOp(path: FieldPath, bounds: { min?: number; max?: number }, where: string, issues: ConfigProblem[]): RequestOp | undefined {
  const { min = -Infinity, max = Infinity } = bounds;
  if (bounds.min === undefined && bounds.max === undefined) {
    issues.push({ path: where, message: 'needs min, max or both' });
    return undefined;
  }
  if (min > max) {
    issues.push({ path: where, message: 'min is greater than max' });
    return undefined;
  }
  return function clampField(e) {
    const v = getAt(e.body, path);
    // A non-number is left for the validation plugin or the upstream to refuse.
    if (typeof v !== 'number') return;
    const bounded = v < min ? min : v > max ? max : v;
    if (bounded === v) return;
    setAt(e.body, path, bounded);
    e.changed = true;
  };
}
