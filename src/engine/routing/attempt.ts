/**
 * One upstream call to one deployment, with its own AbortController when it may have to
 * be cancelled alone (a hedged group: a losing hedge is cancelled at once; otherwise the
 * request's own signal serves, which saves a signal and two listeners per call), the
 * deployment's timeouts passed to the
 * adapter, the pipeline's onAttempt phase (trace context per call, outcome callbacks),
 * health bookkeeping (in flight, EWMA latency, time to first token, usage) and the
 * breaker's verdict. A stream is peeked: its first event is awaited here, so a stream
 * that dies before its first byte fails this attempt (and may be retried or fall back);
 * after that the events flow straight from the adapter to the stream writer (no wrapper
 * per event), which reports the stream's end through `settle` to close the books.
 * Every upstream call starts here, so here is where a deployment the caller's key may not
 * use is refused, whatever chose it (the plan and dispatch already leave those out).
 *
 * @example
 *   const a = startAttempt(ctx, d, ticket, signal, env); const res = await a.promise;
 */
import type { RequestContext } from '../context.ts';
import type { ChatRequest, EmbeddingsRequest, Usage } from '../openai-types.ts';
import type { AttemptOutcome, Deployment, ModelCatalog, StreamEnd, StreamEvent, UpstreamAttempt, UpstreamResponse } from '../types.ts';
import { gatewayError } from '../errors.ts';
import { runAttemptEnd, runAttemptStart, type AttemptEnds } from '../executor.ts';
import type { Ticket } from './breaker.ts';
import type { RoutingState } from './board.ts';
import type { RoutingPolicy } from './policy.ts';
import { classify, countsAgainstHealth } from './classify.ts';
import { permitOf } from './permits.ts';

export interface AttemptEnv {
  catalog: ModelCatalog;
  state: RoutingState;
  policy: RoutingPolicy;
  /** Estimated prompt tokens (usage accounting before the answer says). */
  promptTokens: number;
  /** Set when an onAttempt hook failed: the request fails closed with it. */
  hookFailure?: unknown;
}

export interface Attempt {
  readonly deployment: Deployment;
  readonly promise: Promise<UpstreamResponse>;
  /** Cancel this attempt (a hedge lost, the request gave up); no verdict on health. */
  abort(): void;
}

export function startAttempt(ctx: RequestContext, d: Deployment, ticket: Ticket, parent: AbortSignal, env: AttemptEnv, cancellable = true): Attempt {
  const breaker = env.state.breaker(d.id, env.policy.breaker);
  const denied = permitOf(ctx.principal)?.denies(d);
  if (denied) {
    // Never reached while planning and dispatch filter candidates: a bug, refused closed.
    ctx.log.error({ deployment: d.id, denied }, 'attempt on a deployment outside the key permissions refused');
    breaker.release(ticket);
    const err = gatewayError('GW_ERR_FORBIDDEN', { message: `This API key may not use model '${d.name}'.`, param: 'model' });
    return { deployment: d, promise: Promise.reject(err), abort: () => undefined };
  }
  let info: UpstreamAttempt | undefined;
  let ends: AttemptEnds | undefined;
  if (ctx.pipeline?.onAttempt.length) {
    info = { number: ctx.attempts, deployment: d, traceparent: ctx.traceparent, tracestate: ctx.tracestate };
    try {
      ends = runAttemptStart(ctx, info);
    } catch (err) {
      // Fail closed before calling anyone: dispatch ends the request with this error.
      env.hookFailure ??= err;
      breaker.release(ticket);
      return { deployment: d, promise: Promise.reject(err), abort: () => undefined };
    }
  }
  const ac = cancellable ? new AbortController() : undefined;
  const signal = ac ? ac.signal : parent;
  const onParentAbort = () => ac?.abort(parent.reason);
  if (ac) parent.addEventListener('abort', onParentAbort, { once: true });
  const stats = env.state.health.of(d.id);
  const t0 = performance.now();
  let settled = false;
  stats.begin();

  /** Close the books on this attempt exactly once. ok: true/false verdict, undefined: none. */
  function finish(ok: boolean | undefined, ttft: number, tokens: number, outcome: AttemptOutcome): void {
    if (settled) return;
    settled = true;
    if (ac) parent.removeEventListener('abort', onParentAbort);
    stats.end();
    const total = performance.now() - t0;
    if (ok === true) {
      stats.observe(total, ttft);
      stats.sent(Date.now(), tokens);
    }
    if (ok === undefined) breaker.release(ticket);
    else breaker.record(ticket, ok, total, Date.now());
    env.state.metrics?.attempts.inc({ deployment: d.id, outcome });
    if (ends) runAttemptEnd(ctx, ends, outcome);
  }

  function failed(err: unknown): never {
    if (signal.aborted) {
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
      res = await call(ctx, d, signal, env.catalog, info);
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
    /** The stream writer's report of how the stream ended. */
    function settle(end: StreamEnd): void {
      const tokens = end.usage?.total_tokens ?? env.promptTokens;
      if (end.aborted || signal.aborted) {
        // The consumer stopped early (client gone, hedge dropped): stop the upstream too
        // (the writer also returned the adapter's iterator, which drops the socket).
        ac?.abort();
        finish(undefined, ttft, tokens, 'aborted');
      } else if (end.error !== undefined) {
        const cls = classify(end.error);
        finish(countsAgainstHealth(cls) ? false : undefined, ttft, tokens, cls);
      } else finish(true, ttft, tokens, 'ok');
    }
    return { ...res, events: primed(first, it), settle };
  }

  return { deployment: d, promise: run(), abort: () => ac?.abort(new Error('attempt abandoned')) };
}

/**
 * The peeked stream: its first event, then the adapter's own iterator — a hand-off, not a
 * wrapper (after the first event, `next` is the adapter's).
 */
function primed(first: IteratorResult<StreamEvent>, it: AsyncIterator<StreamEvent>): AsyncIterableIterator<StreamEvent> {
  let head: IteratorResult<StreamEvent> | undefined = first;
  const self: AsyncIterableIterator<StreamEvent> = {
    next() {
      if (head === undefined) return it.next();
      const h = head;
      head = undefined;
      self.next = () => it.next();
      return Promise.resolve(h);
    },
    return(value?: unknown) {
      head = undefined;
      return it.return ? it.return(value) : Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return self;
    },
  };
  return self;
}

function call(ctx: RequestContext, d: Deployment, signal: AbortSignal, catalog: ModelCatalog, attempt: UpstreamAttempt | undefined): Promise<UpstreamResponse> {
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
    traceparent: attempt ? attempt.traceparent : ctx.traceparent,
    tracestate: attempt ? attempt.tracestate : ctx.tracestate,
  };
  if (ctx.endpoint === 'embeddings') {
    if (!client.embeddings)
      return Promise.reject(gatewayError('GW_ERR_CAPABILITY_UNSUPPORTED', { message: `Model '${d.name}' does not support embeddings.`, param: 'model' }));
    return client.embeddings({ ...(ctx.body as EmbeddingsRequest), model: d.model }, opts);
  }
  return client.chat({ ...(ctx.body as ChatRequest), model: d.model }, opts);
}
