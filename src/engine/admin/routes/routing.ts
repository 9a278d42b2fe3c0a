/**
 * Routing admin routes:
 * - GET  /admin/breakers            circuit breaker state per deployment
 * - GET  /admin/routing/health      in flight, EWMA latency/TTFT, p95/p99, last-minute usage
 * - POST /admin/route/explain       the plan for a request, without calling any provider
 *
 * Explain runs the planner of the router in the generation serving now (the same `plan()`
 * the router runs, reached through that generation's pipeline); without a router in the
 * pipeline it plans with defaults over the catalog. The caller it plans for is the
 * `principal` given: its `permissions`, else those of the key `key_id` names (a stored key
 * or a `keys:` entry), so what a key may not use shows as `removed: permission`.
 *
 * @example
 *   curl -XPOST localhost:8080/admin/route/explain -d '{"body":{"model":"auto","messages":[{"role":"user","content":"hi"}]},"principal":{"key_id":"key_1"}}'
 */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import type { Principal } from '../../context.ts';
import type { Generation } from '../../generation.ts';
import { gatewayError, isGatewayError } from '../../errors.ts';
import { decodeChat, decodeEmbeddings } from '../../server/codecs/openai.ts';
import { dbOf } from '../../stores/db/index.ts';
import type { KeyPermissions } from '../../stores/db/types.ts';
import { permitOf } from '../../routing/permits.ts';
import { route, validator } from './identity-common.ts';
import { routingState } from '../../routing/board.ts';
import { compileRouter } from '../../../plugins-builtin/router/config.ts';
import { createPlanner, plannerIn } from '../../../plugins-builtin/router/planner.ts';

const names = { type: 'array', items: { type: 'string' } };
const checkPrincipal = validator<{ key_id?: string; keyId?: string; user_id?: string; userId?: string; permissions?: KeyPermissions }>({
  type: 'object',
  properties: {
    key_id: { type: 'string' },
    keyId: { type: 'string' },
    user_id: { type: 'string' },
    userId: { type: 'string' },
    permissions: { type: 'object', additionalProperties: false, properties: { models: names, endpoints: names, providers: names } },
  },
});

export function mountRoutingRoutes(router: Router, deps: AdminDeps): void {
  const state = () => routingState({ stores: deps.stores, metrics: deps.metrics, logger: deps.logger });

  router.get('/breakers', (_req, res) => {
    res.json({ breakers: state().breakerViews() });
  });
  router.get('/routing/health', (_req, res) => {
    res.json({ deployments: state().health.snapshot() });
  });

  router.post(
    '/route/explain',
    route(async (req, res) => {
      const gen = deps.runtime.current;
      if (!gen) throw gatewayError('GW_ERR_SHUTTING_DOWN', { message: 'No configuration is serving.' });
      const input = (req.body ?? {}) as { body?: unknown; endpoint?: unknown; principal?: unknown; headers?: unknown };
      const wrapped = input.body !== undefined && input.body !== null && typeof input.body === 'object';
      const endpoint = input.endpoint === 'embeddings' ? 'embeddings' : 'chat';
      // The same structural check a client's request gets (a 400 naming the field), so the
      // planner never sees a body the LLM endpoints would have refused.
      const body = checkBody(endpoint, wrapped ? input.body : input, wrapped);
      const caller = input.principal === undefined ? { source: 'none' } : await principalOf(input.principal, gen, deps);
      const routerPlanner = plannerIn(gen.llm);
      const planner = routerPlanner ?? createPlanner(compileRouter({}), { catalog: gen.catalog, state: state() });
      const p = await planner.route(
        { endpoint, body, principal: caller.principal, headers: (input.headers ?? {}) as Record<string, string> },
        { advance: false },
      );
      const first = p.candidates[0];
      // What the auth plugin refuses before any routing: the endpoint, or the name asked for.
      const permit = permitOf(caller.principal);
      const refused =
        permit && !permit.allowsEndpoint(endpoint)
          ? gatewayError('GW_ERR_FORBIDDEN', { message: 'This API key may not use this endpoint.' })
          : permit && !permit.allowsName(p.requested)
            ? gatewayError('GW_ERR_FORBIDDEN', { message: 'This API key may not use this model.', param: 'model' })
            : undefined;
      const error = refused ?? p.error;
      res.json({
        requested: p.requested,
        choice: first && !refused ? { model: first.name, deployment: first.id, provider: first.provider } : null,
        candidates: p.candidates.map((d) => d.id),
        scores: p.scores,
        removed: p.removed,
        steps: p.steps,
        variant: p.variant ?? null,
        reason: p.reason,
        prompt_tokens: p.promptTokens,
        permissions: caller.principal?.permissions ?? null,
        permissions_from: caller.source,
        error: error ? error.toOpenAI().error : null,
        router: routerPlanner ? 'router plugin' : 'defaults (no router in the pipeline)',
      });
    }),
  );
}

function checkBody(endpoint: 'chat' | 'embeddings', body: unknown, wrapped: boolean): object {
  try {
    return (endpoint === 'embeddings' ? decodeEmbeddings(body) : decodeChat(body)) as object;
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    const param = err.param ? (wrapped ? `body.${err.param}` : err.param) : wrapped ? 'body' : null;
    throw gatewayError('GW_ERR_INVALID_REQUEST', {
      message: `${err.message} Send the request as a client would ({"model", "messages"}), optionally inside {"body", "principal", "headers"}.`,
      param,
    });
  }
}

/** The caller to plan for: permissions given, else those of the key named (stored, or a `keys:` entry). */
async function principalOf(raw: unknown, gen: Generation, deps: AdminDeps): Promise<{ principal?: Principal; source: string }> {
  let p: ReturnType<typeof checkPrincipal>;
  try {
    p = checkPrincipal(raw);
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    const param = !err.param || err.param === '(body)' ? 'principal' : `principal.${err.param}`;
    throw gatewayError('GW_ERR_INVALID_REQUEST', { message: `principal: ${err.message}`, param });
  }
  const keyId = p.key_id ?? p.keyId ?? 'explain';
  const base: Principal = { keyId, keyPrefix: '', userId: p.user_id ?? p.userId };
  if (p.permissions) return { principal: { ...base, permissions: p.permissions }, source: 'request' };
  const found = await keyPermissions(keyId, gen, deps);
  if (!found) return { principal: base, source: 'none' };
  return { principal: { ...base, permissions: Object.keys(found.permissions).length ? found.permissions : undefined }, source: found.source };
}

async function keyPermissions(keyId: string, gen: Generation, deps: AdminDeps): Promise<{ permissions: KeyPermissions; source: string } | undefined> {
  if (keyId.startsWith('static:')) {
    const item = (gen.config.keys ?? []).find((k) => k.name === keyId.slice('static:'.length)) as (KeyPermissions & { name: string }) | undefined;
    if (!item) return undefined;
    const { models, endpoints, providers } = item;
    return { permissions: JSON.parse(JSON.stringify({ models, endpoints, providers })) as KeyPermissions, source: 'config key' };
  }
  const rec = await dbOf(deps.stores)?.getKey(keyId);
  return rec ? { permissions: rec.permissions, source: 'stored key' } : undefined;
}
