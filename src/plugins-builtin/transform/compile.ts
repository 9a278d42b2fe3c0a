/**
 * The transform config, compiled once per generation into one list of rules per
 * endpoint, each holding only the operations that apply there, as ready-made functions.
 * Every problem is collected with its config path (`pipeline[2].config.rules[0].clamp.max_tokens`)
 * and reported together, so the gateway refuses the file at load rather than mid-request.
 *
 * @example
 *   const rules = compileRules({ rules: [{ clamp: { max_tokens: { max: 1024 } } }] }, { at: 'config', isModel: () => true });
 *   rules.chat[0].request.length   // 1; rules.embeddings is empty (max_tokens is a chat field)
 */
import type { ChatMessage } from '../../engine/openai-types.ts';
import { formatPath } from '../../engine/config/paths.ts';
import { fieldEndpoints, LLM_ENDPOINTS, OP_ENDPOINTS, RESERVED_FIELDS, RESERVED_HEADERS, type LlmEndpoint } from './fields.ts';
import { parsePath, type FieldPath } from './paths.ts';
import { clampOp, defaultOp, removeOp, renameByMap, renameTo, setOp, type RequestOp } from './request-ops.ts';
import { systemPromptEdit, type SystemPromptConfig } from './system-prompt.ts';
import { modelMatcher, type ModelMatcher } from './match.ts';

export interface RuleConfig {
  name?: string;
  models?: string[];
  endpoints?: LlmEndpoint[];
  rename_model?: string | Record<string, string>;
  remove?: string[];
  set?: Record<string, unknown>;
  default?: Record<string, unknown>;
  clamp?: Record<string, { min?: number; max?: number }>;
  system_prompt?: SystemPromptConfig;
  response_headers?: { set?: Record<string, string>; remove?: string[] };
  response_body?: { remove?: string[] };
}

export interface TransformConfig {
  rules: RuleConfig[];
}

export interface HeaderOps {
  remove: readonly string[];
  set: ReadonlyArray<readonly [string, string]>;
}

export interface CompiledRule {
  name: string;
  /** Position in `rules` (indexes per-rule counters). */
  index: number;
  /** null: every model. */
  matches: ModelMatcher | null;
  request: readonly RequestOp[];
  headers?: HeaderOps;
  bodyRemove?: readonly FieldPath[];
}

export type CompiledRules = Record<LlmEndpoint, readonly CompiledRule[]>;

export interface CompileOptions {
  /** Config path of this instance's config, for messages. */
  at: string;
  /** Whether `rename_model` may name this model (configured, or an alias a later router resolves). */
  isModel(name: string): boolean;
}

/** One problem with the config, at its full config path (`pipeline[2].config.rules[0].clamp.max_tokens`). */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Every problem found, one `path: message` per line in the message. */
export class TransformConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  }
}

/** @throws TransformConfigError listing every problem with its config path */
export function compileRules(config: Readonly<TransformConfig>, opts: CompileOptions): CompiledRules {
  const issues: ConfigProblem[] = [];
  const out: Record<LlmEndpoint, CompiledRule[]> = { chat: [], embeddings: [], messages: [], responses: [] };
  const names = new Set<string>();
  config.rules.forEach(function compileOne(rule, i) {
    const at = `${opts.at}.rules[${i}]`;
    const name = rule.name ?? `rule${i + 1}`;
    // Names label the applied-rules metric: two rules under one name would be one series.
    if (names.has(name)) issues.push({ path: `${at}.name`, message: `"${name}" names another rule too` });
    names.add(name);
    const r = new RuleBuilder(rule.endpoints ?? LLM_ENDPOINTS, at, issues);
    r.renameModel(rule.rename_model, opts.isModel);
    r.fields(
      'remove',
      rule.remove?.map((p) => [p, undefined] as const),
      (path) => removeOp(path),
    );
    r.fields('set', entries(rule.set), (path, value) => setOp(path, value));
    r.fields('default', entries(rule.default), (path, value) => defaultOp(path, value));
    r.fields('clamp', entries(rule.clamp), (path, bounds, where) => clampOp(path, bounds, where, issues));
    r.systemPrompt(rule.system_prompt);
    r.responseHeaders(rule.response_headers);
    r.responseBody(rule.response_body);
    if (r.empty)
      issues.push({ path: at, message: 'has no operation (rename_model, remove, set, default, clamp, system_prompt, response_headers or response_body)' });
    const matches = rule.models ? modelMatcher(rule.models) : null;
    for (const ep of LLM_ENDPOINTS) {
      const built = r.forEndpoint(ep);
      if (built) out[ep].push({ name, index: i, matches, ...built });
    }
  });
  if (issues.length) throw new TransformConfigError(issues);
  return out;
}

/** `.key`, or `["a.b"]` for a key that is not an identifier: as the config loader prints paths. */
const keyPath = (key: string) => formatPath(['_', key]).slice(1);

const entries = <V>(o: Readonly<Record<string, V>> | undefined) => (o ? Object.entries(o) : undefined);

/** `a`, `a and b`, `a, b and c`. */
const listed = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : (xs[0] ?? ''));

/** Collects one rule's operations per endpoint, checking each against the rule's scope. */
class RuleBuilder {
  private readonly request = new Map<LlmEndpoint, RequestOp[]>();
  private readonly headers = new Map<LlmEndpoint, HeaderOps>();
  private readonly bodyRemove = new Map<LlmEndpoint, FieldPath[]>();
  empty = true;

  constructor(
    private readonly scope: readonly LlmEndpoint[],
    private readonly at: string,
    private readonly issues: ConfigProblem[],
  ) {}

  /** The scope's endpoints where an op may run; reports the op when there are none. */
  private where(loc: string, allowed: readonly LlmEndpoint[]): LlmEndpoint[] {
    this.empty = false;
    const eps = this.scope.filter((e) => allowed.includes(e));
    if (!eps.length)
      this.issues.push({ path: loc, message: `applies to ${listed(allowed)} requests only, but the rule is scoped to ${this.scope.join(', ')}` });
    return eps;
  }

  private addRequest(eps: readonly LlmEndpoint[], op: RequestOp): void {
    for (const e of eps) {
      let list = this.request.get(e);
      if (!list) this.request.set(e, (list = []));
      list.push(op);
    }
  }

  renameModel(spec: RuleConfig['rename_model'], isModel: (name: string) => boolean): void {
    if (spec === undefined) return;
    const eps = this.where(`${this.at}.rename_model`, OP_ENDPOINTS.rename_model);
    const targets = typeof spec === 'string' ? [[undefined, spec] as const] : Object.entries(spec);
    for (const [from, to] of targets) {
      if (!isModel(to))
        this.issues.push({
          path: `${this.at}.rename_model${from === undefined ? '' : keyPath(from)}`,
          message: `"${to}" is not a configured model (models:) or router alias`,
        });
    }
    this.addRequest(eps, typeof spec === 'string' ? renameTo(spec) : renameByMap(new Map(Object.entries(spec))));
  }

  fields<V>(
    op: string,
    list: ReadonlyArray<readonly [string, V]> | undefined,
    make: (path: FieldPath, value: V, where: string) => RequestOp | undefined,
  ): void {
    list?.forEach(([text, value], k) => {
      const where = op === 'remove' ? `${this.at}.remove[${k}]` : `${this.at}.${op}${keyPath(text)}`;
      this.empty = false;
      const path = parsePath(text, { wildcard: op === 'remove' });
      if (typeof path === 'string') return void this.issues.push({ path: where, message: path });
      const reserved = RESERVED_FIELDS.get(path[0]!);
      if (reserved) return void this.issues.push({ path: where, message: `"${path[0]}" cannot be changed here (${reserved})` });
      const eps = this.where(where, fieldEndpoints(path[0]!));
      const fn = make(path, value, where);
      if (fn) this.addRequest(eps, fn);
    });
  }

  systemPrompt(c: Readonly<SystemPromptConfig> | undefined): void {
    if (!c) return;
    const eps = this.where(`${this.at}.system_prompt`, OP_ENDPOINTS.system_prompt);
    if (c.replace === undefined && c.prepend === undefined && c.append === undefined) {
      this.issues.push({ path: `${this.at}.system_prompt`, message: 'needs prepend, append or replace' });
    } else if (c.replace !== undefined && (c.prepend !== undefined || c.append !== undefined)) {
      this.issues.push({ path: `${this.at}.system_prompt`, message: 'replace cannot be combined with prepend or append' });
    } else {
      const edit = systemPromptEdit(c);
      this.addRequest(eps, function systemPrompt(e) {
        const messages = e.body.messages as ChatMessage[];
        e.body.messages = edit(messages);
        e.changed = true;
      });
    }
  }

  responseHeaders(c: RuleConfig['response_headers']): void {
    if (!c) return;
    const eps = this.where(`${this.at}.response_headers`, OP_ENDPOINTS.response_headers);
    const remove = (c.remove ?? []).map((h) => h.toLowerCase());
    const set = Object.entries(c.set ?? {}).map(([h, v]) => [h.toLowerCase(), v] as const);
    if (!remove.length && !set.length) this.issues.push({ path: `${this.at}.response_headers`, message: 'needs set or remove' });
    for (const h of [...remove, ...set.map(([h]) => h)]) {
      if (RESERVED_HEADERS.has(h))
        this.issues.push({ path: `${this.at}.response_headers`, message: `"${h}" is written by the server itself and cannot be changed` });
    }
    for (const e of eps) this.headers.set(e, { remove, set });
  }

  responseBody(c: RuleConfig['response_body']): void {
    if (!c) return;
    const eps = this.where(`${this.at}.response_body`, OP_ENDPOINTS.response_body);
    const paths: FieldPath[] = [];
    (c.remove ?? []).forEach((text, k) => {
      const path = parsePath(text, { wildcard: true });
      if (typeof path === 'string') this.issues.push({ path: `${this.at}.response_body.remove[${k}]`, message: path });
      else paths.push(path);
    });
    if (!c.remove?.length) this.issues.push({ path: `${this.at}.response_body`, message: 'needs remove' });
    for (const e of eps) this.bodyRemove.set(e, paths);
  }

  /** This rule's work on one endpoint, or undefined when it has none there. */
  forEndpoint(ep: LlmEndpoint): Omit<CompiledRule, 'name' | 'index' | 'matches'> | undefined {
    const request = this.request.get(ep) ?? [];
    const headers = this.headers.get(ep);
    const bodyRemove = this.bodyRemove.get(ep);
    if (!request.length && !headers && !bodyRemove) return undefined;
    return { request, headers, bodyRemove };
  }
}
