/**
 * Routing admin routes:
 * - GET  /admin/breakers            circuit breaker state per deployment
 * - GET  /admin/routing/health      in flight, EWMA latency/TTFT, p95/p99, last-minute usage
 * - POST /admin/route/explain       the plan for a request, without calling any provider
 *
 * Explain runs the current generation's router planner (the same `plan()` the router
 * runs); without a router in the pipeline it plans with defaults over the catalog.
 *
 * @example
 *   curl -XPOST localhost:8080/admin/route/explain -d '{"body":{"model":"auto","messages":[{"role":"user","content":"hi"}]}}'
 */
import type { Router } from 'express';
import type { AdminDeps } from '../deps.ts';
import type { Principal } from '../../context.ts';
import { gatewayError, isGatewayError } from '../../errors.ts';
import { decodeChat, decodeEmbeddings } from '../../server/codecs/openai.ts';
import { route } from './identity-common.ts';
import { routingState } from '../../routing/board.ts';
import { compileRouter } from '../../../plugins-builtin/router/config.ts';
import { createPlanner, plannerFor, type Planner } from '../../../plugins-builtin/router/planner.ts';

const defaults = new WeakMap<object, Planner>();

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
      let planner = plannerFor(gen.catalog);
      if (!planner) {
        planner = defaults.get(gen) ?? createPlanner(compileRouter({}), { catalog: gen.catalog, state: state() });
        defaults.set(gen, planner);
      }
      const p = await planner.route(
        { endpoint, body, principal: principalOf(input.principal), headers: (input.headers ?? {}) as Record<string, string> },
        { advance: false },
      );
      const first = p.candidates[0];
      res.json({
        requested: p.requested,
        choice: first ? { model: first.name, deployment: first.id, provider: first.provider } : null,
        candidates: p.candidates.map((d) => d.id),
        scores: p.scores,
        removed: p.removed,
        steps: p.steps,
        variant: p.variant ?? null,
        reason: p.reason,
        prompt_tokens: p.promptTokens,
        error: p.error ? p.error.toOpenAI().error : null,
        router: plannerFor(gen.catalog) ? 'router plugin' : 'defaults (no router in the pipeline)',
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

function principalOf(p: unknown): Principal | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const o = p as { keyId?: unknown; key_id?: unknown; userId?: unknown; user_id?: unknown };
  const keyId = typeof o.keyId === 'string' ? o.keyId : typeof o.key_id === 'string' ? o.key_id : 'explain';
  const userId = typeof o.userId === 'string' ? o.userId : typeof o.user_id === 'string' ? o.user_id : undefined;
  return { keyId, keyPrefix: '', userId };
}
