/**
 * `use: transform` — declarative request/response rewriting, for platform teams that
 * would otherwise write a plugin: set, default, remove and clamp request fields, edit the
 * system prompt, rename the model, set or remove response headers, remove fields from
 * JSON response bodies. Rules are compiled once per generation into a list per endpoint;
 * a request runs only the rules that match its endpoint and model.
 *
 * @example
 *   pipeline:
 *     - use: transform
 *       config:
 *         rules:
 *           - models: ['gpt-4*']
 *             clamp: { max_tokens: { max: 1024 } }
 *             system_prompt: { prepend: 'Answer in English.' }
 *             response_body: { remove: [system_fingerprint] }
 *     - use: router
 *     - use: provider
 */
import type { PluginCheckEnv, PluginDefinition, PluginInstance } from '../../engine/types.ts';
import type { RequestContext } from '../../engine/context.ts';
import { compileRules, TransformConfigError, type CompiledRule, type CompiledRules, type TransformConfig } from './compile.ts';
import type { Edit } from './request-ops.ts';
import { placementOf } from './placement.ts';
import { without } from './paths.ts';
import { matchCounts } from './match-counts.ts';
import schema from './schema.json' with { type: 'json' };

const transform: PluginDefinition<TransformConfig> = {
  name: 'transform',
  version: '1.0.0',
  engine: '^1.0.0',
  description: 'Declarative request/response rewriting: fields, system prompt, model renames, response headers and body fields.',
  configSchema: schema,
  // The same compile create() runs, so `llm-gateway validate` and reloads report its
  // problems located in the file.
  checkConfig(config, env) {
    try {
      compileFor(config, env);
      return [];
    } catch (err) {
      if (!(err instanceof TransformConfigError)) throw err;
      return [...err.problems];
    }
  },
  create(config, env) {
    const rules = compileFor(config, { config: env.config, hasModel: (name) => env.models.group(name) !== undefined });
    const counts = matchCounts(
      env.metrics,
      env.pluginId,
      config.rules.map((r, i) => r.name ?? `rule${i + 1}`),
    );
    const hits = counts.hits;
    // The rules with response work that matched each request. Per instance rather than a
    // state key: two transforms in one pipeline would share a module-level key.
    const matched = new WeakMap<RequestContext, readonly CompiledRule[]>();

    const instance: PluginInstance = {
      onRequest(ctx) {
        const list = (rules as Record<string, readonly CompiledRule[]>)[ctx.endpoint];
        // GET/DELETE /v1/responses/{id} carry no body to transform.
        if (!list || !list.length || ctx.body === undefined) return;
        const body = ctx.body as Record<string, unknown>;
        const model = ctx.model;
        let edit: Edit | undefined;
        let withResponse: CompiledRule[] | undefined;
        for (let i = 0; i < list.length; i++) {
          const r = list[i]!;
          if (r.matches && !r.matches(model)) continue;
          const ops = r.request;
          if (ops.length) {
            edit ??= { body, changed: false };
            for (let k = 0; k < ops.length; k++) ops[k]!(edit);
          }
          if (r.headers || r.bodyRemove) (withResponse ??= []).push(r);
          hits[r.index]!++;
        }
        if (edit?.changed) {
          ctx.setBody(edit.body);
          if (edit.model !== undefined) ctx.model = edit.model;
        }
        if (withResponse) matched.set(ctx, withResponse);
      },
      async close() {
        counts.close();
      },
    };
    if (Object.values(rules).some((list) => list.some((r) => r.headers || r.bodyRemove))) {
      instance.onResponse = function transformResponse(ctx) {
        const list = matched.get(ctx);
        if (!list) return;
        applyHeaders(list, ctx.responseHeaders);
        const res = ctx.response;
        if (res?.kind !== 'json') return;
        let body = res.body;
        for (const r of list) for (const p of r.bodyRemove ?? []) body = without(body, p);
        // A new body must be serialised: the upstream's bytes no longer match it.
        if (body !== res.body) ctx.response = { ...res, body, raw: undefined };
      };
      // Errors raised after this transform ran (upstream failures, limits below it) get
      // the same headers as answers: a header a client or proxy keys on must not vanish.
      instance.onError = function transformErrorHeaders(ctx) {
        const list = matched.get(ctx);
        if (list) applyHeaders(list, ctx.responseHeaders);
      };
    }
    return instance;
  },
};

/**
 * The rules compiled for where this instance sits (pipeline position, routers around it).
 * @throws TransformConfigError listing every problem with its config path
 */
function compileFor(config: Readonly<TransformConfig>, env: Pick<PluginCheckEnv, 'config' | 'hasModel'>): CompiledRules {
  const place = placementOf(env, config);
  if (place.inProxyRoute)
    throw new TransformConfigError([
      { path: place.at, message: "transform rewrites LLM requests (chat, embeddings, messages); a proxy route's pipeline has none" },
    ]);
  const renames = config.rules.some((r) => r.rename_model !== undefined);
  if (renames && place.routerBefore) {
    throw new TransformConfigError([
      { path: place.at, message: 'rename_model must run before the router: put this transform above `use: router` in the pipeline' },
    ]);
  }
  return compileRules(config, { at: place.at, isModel: (name) => env.hasModel(name) || place.routerNames.has(name) });
}

function applyHeaders(list: readonly CompiledRule[], out: Record<string, string>): void {
  for (const r of list) {
    if (!r.headers) continue;
    for (const h of r.headers.remove) delete out[h];
    for (const [h, v] of r.headers.set) out[h] = v;
  }
}

export default transform;
