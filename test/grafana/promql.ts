/**
 * What the dashboards test needs to read dashboards and PromQL: every query a dashboard
 * runs (panels, nested row panels, variables, annotations), the metric names a PromQL
 * expression selects, template-variable substitution, and the families of a Prometheus
 * text exposition.
 *
 * @example
 *   metricNames('sum by (le) (rate(gateway_x_bucket{a="b"}[$__rate_interval]))') // ['gateway_x_bucket']
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../grafana/dashboards');

export interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  gridPos: { x: number; y: number; w: number; h: number };
}
export interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  datasource?: { uid?: string };
  definition?: string;
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations?: { list: { name: string; expr?: string; datasource?: { uid?: string } }[] };
}

/** One PromQL query a dashboard runs, with where it comes from (for failure messages). */
export interface Query {
  where: string;
  expr: string;
  panel?: Panel;
}

export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) as Dashboard }));
}

/** Panels in layout order, rows' nested panels included. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL expression of a dashboard: panel targets and Prometheus annotations. */
export function queriesOf(d: Dashboard): Query[] {
  const out: Query[] = [];
  for (const p of allPanels(d)) for (const t of p.targets ?? []) out.push({ where: `${d.uid} panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr, panel: p });
  for (const a of d.annotations?.list ?? []) if (a.expr) out.push({ where: `${d.uid} annotation "${a.name}"`, expr: a.expr });
  return out;
}

/** The metric each `label_values(metric{…}, label)` variable reads. */
export function variableMetrics(d: Dashboard): { where: string; metric: string }[] {
  const out: { where: string; metric: string }[] = [];
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    const m = /^label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(q);
    if (!m) throw new Error(`${d.uid} variable ${v.name}: not a label_values(metric, label) query: ${q}`);
    out.push({ where: `${d.uid} variable $${v.name}`, metric: m[1]! });
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/** Metric names an expression selects (functions, keywords, labels and numbers excluded). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // grouping labels
    .replace(/\[[^\]]*\]/g, ''); // ranges and subqueries
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.$])[a-zA-Z_:][\w:]*/g)) {
    const after = bare.slice(m.index + m[0].length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** Grafana's variables as the test evaluates them: every custom variable is "All". */
export function substitute(expr: string): string {
  const builtins: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '5m' };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, braced: string | undefined, plain: string | undefined) => {
    const name = (braced ?? plain)!;
    if (name.startsWith('__')) {
      const v = builtins[name];
      if (!v) throw new Error(`no test value for Grafana variable $${name}`);
      return v;
    }
    return '.*';
  });
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** Families (`# TYPE` lines) and the sample names that have at least one sample. */
export function parseExposition(text: string): { families: Map<string, MetricType>; sampled: Set<string> } {
  const families = new Map<string, MetricType>();
  const sampled = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) families.set(type[1]!, type[2] as MetricType);
    else if (line && !line.startsWith('#')) sampled.add(/^[^{\s]+/.exec(line)![0]);
  }
  return { families, sampled };
}

/**
 * The family a queried series name belongs to: itself for counters and gauges, the name
 * without `_bucket`/`_sum`/`_count` for a histogram (`_sum`/`_count` for a summary).
 * Undefined when no family matches — including a bare histogram name, which selects nothing.
 */
export function familyOf(name: string, families: Map<string, MetricType>): string | undefined {
  const own = families.get(name);
  if (own && own !== 'histogram' && own !== 'summary') return name;
  const m = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (!m) return undefined;
  const base = families.get(m[1]!);
  if (base === 'histogram' || (base === 'summary' && m[2] !== 'bucket')) return m[1];
  return undefined;
}
