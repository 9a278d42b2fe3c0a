/**
 * One upstream call to one deployment, with its own AbortController (so a losing hedge
 * or an abandoned attempt is cancelled at once), the deployment's timeouts passed to the
 * adapter, health bookkeeping (in flight, EWMA latency, time to first token, usage) and
 * the breaker's verdict. A stream is peeked: its first event is awaited here, so a
 * stream that dies before its first byte fails this attempt (and may be retried or fall
 * back); after that, the events flow to the client and a failure is the client's error.
 *
 * @example
 *   const a = startAttempt(ctx, d, ticket, signal, env); const res = await a.promise;
 */
import type { RequestContext } from '../context.ts';
import type { ChatRequest, EmbeddingsRequest, Usage } from '../openai-types.ts';
import type { Deployment, ModelCatalog, StreamEvent, UpstreamResponse } from '../types.ts';
import { gatewayError } from '../errors.ts';
import type { Ticket } from './breaker.ts';
import type { RoutingState } from './board.ts';
import type { RoutingPolicy } from './policy.ts';
import { classify, countsAgainstHealth } from './classify.ts';

export interface AttemptEnv {
  catalog: ModelCatalog;
  state: RoutingState;
  policy: RoutingPolicy;
  /** Estimated prompt tokens (usage accounting before the answer says). */
  promptTokens: number;
}

export interface Attempt {
  readonly deployment: Deployment;
  readonly promise: Promise<UpstreamResponse>;
  /** Cancel this attempt (a hedge lost, the request gave up); no verdict on health. */
  abort(): void;
}

export function startAttempt(ctx: RequestContext, d: Deployment, ticket: Ticket, parent: AbortSignal, env: AttemptEnv): Attempt {
  const ac = new AbortController();
  const onParentAbort = () => ac.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  const stats = env.state.health.of(d.id);
  const breaker = env.state.breaker(d.id, env.policy.breaker);
  const t0 = performance.now();
  let settled = false;
  stats.begin();
  const traced = ctx.traceAttempt?.(d);

  /** Close the books on this attempt exactly once. ok: true/false verdict, undefined: none. */
  function finish(ok: boolean | undefined, ttft: number, tokens: number, outcome: string): void {
    if (settled) return;
    settled = true;
    parent.removeEventListener('abort', onParentAbort);
    stats.end();
    const total = performance.now() - t0;
    if (ok === true) {
      stats.observe(total, ttft);
      stats.sent(Date.now(), tokens);
    }
    if (ok === undefined) breaker.release(ticket);
    else breaker.record(ticket, ok, total, Date.now());
    env.state.metrics?.attempts.inc({ deployment: d.id, outcome });
    traced?.end(outcome);
  }

  function failed(err: unknown): never {
    if (ac.signal.aborted) {
      finish(undefined, 0, 0, 'aborted');
      throw gatewayError('GW_ERR_CLIENT_CLOSED', { cause: err });
    }
    const cls = classify(err);
    finish(countsAgainstHealth(cls) ? false : undefined, 0, 0, cls);
    throw err;
  }

  async function run(): Promise<UpstreamResponse> {
    let res: UpstreamResponse;
    try {
      res = await call(ctx, d, ac.signal, env.catalog, traced?.traceparent ?? ctx.traceparent);
    } catch (err) {
      return failed(err);
    }
    if (res.kind === 'json') {
      const usage = (res.body as { usage?: Usage } | undefined)?.usage;
      const t = performance.now() - t0;
      finish(true, t, usage?.total_tokens ?? env.promptTokens, 'ok');
      return res;
    }
    const it = res.events[Symbol.asyncIterator]();
    let first: IteratorResult<StreamEvent>;
    try {
      first = await it.next();
    } catch (err) {
      return failed(err);
    }
    const ttft = performance.now() - t0;
    return { ...res, events: follow(first, it, ttft) };
  }

  /** The stream after its first event: bookkeeping when it ends, fails or is abandoned. */
  async function* follow(first: IteratorResult<StreamEvent>, it: AsyncIterator<StreamEvent>, ttft: number): AsyncGenerator<StreamEvent> {
    let tokens = env.promptTokens;
    let done = false;
    try {
      if (first.done) {
        done = true;
        finish(true, ttft, tokens, 'ok');
        return;
      }
      yield first.value;
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        if (r.value.data.usage) tokens = r.value.data.usage.total_tokens;
        yield r.value;
      }
      done = true;
      finish(true, ttft, tokens, 'ok');
    } catch (err) {
      done = true;
      const cls = classify(err);
      finish(ac.signal.aborted ? undefined : countsAgainstHealth(cls) ? false : undefined, ttft, tokens, ac.signal.aborted ? 'aborted' : cls);
      throw err;
    } finally {
      if (!done) {
        // The consumer stopped early (client gone): stop the upstream too.
        ac.abort();
        finish(undefined, ttft, tokens, 'aborted');
        await it.return?.();
      }
    }
  }

  return { deployment: d, promise: run(), abort: () => ac.abort(new Error('attempt abandoned')) };
}

function call(ctx: RequestContext, d: Deployment, signal: AbortSignal, catalog: ModelCatalog, traceparent: string | undefined): Promise<UpstreamResponse> {
  const client = catalog.provider(d.provider);
  if (!client) return Promise.reject(gatewayError('GW_ERR_INTERNAL', { message: 'Provider is not configured.' }));
  const body = ctx.body as { model?: unknown };
  const opts = {
    signal,
    requestId: ctx.id,
    deployment: d,
    timeouts: d.timeouts,
    rawBody: ctx.bodyChanged ? undefined : ctx.rawBody,
    // The name the raw bytes carry (the router may have changed ctx.model since).
    requestedModel: typeof body?.model === 'string' ? body.model : ctx.model,
    traceparent,
    tracestate: ctx.tracestate,
  };
  if (ctx.endpoint === 'embeddings') {
    if (!client.embeddings)
      return Promise.reject(gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', { message: `Model '${d.name}' does not support embeddings.`, param: 'model' }));
    return client.embeddings({ ...(ctx.body as EmbeddingsRequest), model: d.model }, opts);
  }
  return client.chat({ ...(ctx.body as ChatRequest), model: d.model }, opts);
}
