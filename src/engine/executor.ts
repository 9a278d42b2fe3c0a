/**
 * The one executor: runs a compiled pipeline for one request, for LLM endpoints and proxy
 * routes alike. onHeaders top→bottom before the body is read, then the engine's body step
 * (LLM endpoints: read and decode it), onRequest top→bottom (a `{ respond }` in either
 * request phase stops the descent), the terminal step
 * (the terminal plugin's invoke, or a proxy route forwarding to its app), onResponse
 * bottom→top over the plugins above the point where the answer came from, onError
 * bottom→top when any of these failed; onAttempt per upstream call (called by dispatch)
 * and onDone after the last byte. A hook that throws or rejects anything but a
 * GatewayError fails the request closed with a generic 500; it is counted
 * (gateway_plugin_errors_total) and the log names the plugin, phase and cause.
 */
import type { RequestContext } from './context.ts';
import type { CompiledPipeline, CompiledPlugin } from './compile.ts';
import type { AttemptEnd, AttemptOutcome, ShortCircuit, UpstreamAttempt, UpstreamResponse } from './types.ts';
import { type GatewayError, gatewayError, isGatewayError, toGatewayError } from './errors.ts';

export type PluginFailureHook = (plugin: string, phase: string) => void;

/**
 * The step that answers once the request phase has let the request through: on LLM
 * endpoints the terminal plugin's invoke; on a proxy route the forwarding to the app,
 * which answers the client itself (so it yields no response for the pipeline to write).
 */
export type Terminal = (ctx: RequestContext) => Promise<UpstreamResponse | undefined>;

/**
 * The engine's step between onHeaders and onRequest on LLM endpoints: reads and decodes the
 * body into `ctx`. Running it after onHeaders is what lets a refusal on the headers alone
 * (a bad key) leave the body unread.
 */
export type BodyStep = (ctx: RequestContext) => Promise<void>;

interface Thenable {
  then: unknown;
}
const isThenable = (v: unknown): v is Promise<unknown> => v !== null && typeof v === 'object' && typeof (v as Thenable).then === 'function';

/** Turns what a plugin threw into the client-facing error, counting and logging internals. */
export function pluginFailure(ctx: RequestContext, p: CompiledPlugin, phase: string, err: unknown, onFail?: PluginFailureHook): GatewayError {
  if (isGatewayError(err)) return err;
  onFail?.(p.id, phase);
  ctx.log.error({ plugin: p.id, phase, err }, 'plugin failed; request denied');
  return gatewayError('GW_ERR_INTERNAL', { cause: err });
}

/** A hook failure after the answer went out: counted and logged, nothing left to deny. */
function lateFailure(ctx: RequestContext, p: CompiledPlugin, phase: string, err: unknown, onFail?: PluginFailureHook): void {
  onFail?.(p.id, phase);
  ctx.log.error({ plugin: p.id, phase, err }, `plugin ${phase} failed`);
}

/** LLM endpoints: the pipeline's terminal plugin produces the response; `body` reads the request's. */
export async function runPipeline(pipeline: CompiledPipeline, ctx: RequestContext, onFail?: PluginFailureHook, body?: BodyStep): Promise<UpstreamResponse> {
  const res = await execute(pipeline, ctx, null, onFail, body);
  if (!res) throw gatewayError('GW_ERR_INTERNAL', { message: 'The terminal plugin produced no response.' });
  return res;
}

/**
 * A proxy route: `forward` answers the client itself and resolves once that answer is
 * over. Resolves with a response only when a plugin answered instead (onRequest or
 * onError `{ respond }`); the caller writes it.
 */
export function runProxyPipeline(
  pipeline: CompiledPipeline,
  ctx: RequestContext,
  forward: Terminal,
  onFail?: PluginFailureHook,
): Promise<UpstreamResponse | undefined> {
  return execute(pipeline, ctx, forward, onFail);
}

/**
 * The phases. `forward` null: the terminal plugin's invoke answers (a non-GatewayError it
 * throws is blamed on it); otherwise `forward` does (a proxy route: the engine's own step).
 */
async function execute(
  pipeline: CompiledPipeline,
  ctx: RequestContext,
  forward: Terminal | null,
  onFail?: PluginFailureHook,
  body?: BodyStep,
): Promise<UpstreamResponse | undefined> {
  let stopAt = pipeline.plugins.length;
  let p: CompiledPlugin | null = null;
  let phase = 'onHeaders';
  try {
    const hdr = pipeline.onHeaders;
    for (let i = 0; i < hdr.length; i++) {
      p = hdr[i]!;
      let r = p.instance.onHeaders!(ctx);
      if (isThenable(r)) r = await r;
      if (r && (r as ShortCircuit).respond) {
        ctx.response = (r as ShortCircuit).respond;
        stopAt = p.index;
        break;
      }
    }
    if (body && !ctx.response) {
      // The engine's own step: what it throws (413, bad JSON, a client gone) is no plugin's fault.
      p = null;
      phase = 'body';
      await body(ctx);
    }
    phase = 'onRequest';
    const req = ctx.response ? [] : pipeline.onRequest;
    for (let i = 0; i < req.length; i++) {
      p = req[i]!;
      let r = p.instance.onRequest!(ctx);
      if (isThenable(r)) r = await r;
      if (r && (r as ShortCircuit).respond) {
        ctx.response = (r as ShortCircuit).respond;
        stopAt = p.index;
        break;
      }
    }
    if (!ctx.response) {
      phase = 'invoke';
      if (forward) {
        p = null;
        const answer = await forward(ctx);
        if (answer) ctx.response = answer;
      } else {
        p = pipeline.invoke;
        if (!p) throw gatewayError('GW_ERR_NOT_FOUND', { message: 'This route has no terminal plugin.' });
        ctx.response = await p.instance.invoke!(ctx, ctx.signal);
      }
    }
    phase = 'onResponse';
    const res = pipeline.onResponse;
    for (let i = 0; i < res.length; i++) {
      p = res[i]!;
      if (p.index >= stopAt) continue;
      const r = p.instance.onResponse!(ctx);
      if (isThenable(r)) await r;
    }
    return ctx.response;
  } catch (err) {
    const e = p ? pluginFailure(ctx, p, phase, err, onFail) : toGatewayError(err);
    return handleError(pipeline, ctx, e, onFail);
  }
}

/**
 * Drop an answer nobody will read (a hedge that answered a moment too late, a stream a
 * plugin refused or replaced before it was written): frees the upstream and, through
 * `settle`, closes the attempt's books.
 */
export function dropResponse(res: UpstreamResponse): void {
  if (res.kind !== 'stream') return;
  res.events[Symbol.asyncIterator]()
    .return?.()
    ?.catch(() => undefined);
  res.settle?.({ aborted: true });
}

/** onError bottom→top: a plugin may answer instead (e.g. a fallback); otherwise rethrow. */
async function handleError(pipeline: CompiledPipeline, ctx: RequestContext, e: GatewayError, onFail?: PluginFailureHook): Promise<UpstreamResponse> {
  ctx.error = e;
  const handlers = pipeline.onError;
  for (let i = 0; i < handlers.length; i++) {
    const p = handlers[i]!;
    try {
      const r = await p.instance.onError!(ctx, e);
      if (r && r.respond) {
        ctx.error = undefined;
        if (ctx.response && ctx.response !== r.respond) dropResponse(ctx.response);
        ctx.response = r.respond;
        return r.respond;
      }
    } catch (err) {
      pluginFailure(ctx, p, 'onError', err, onFail);
    }
  }
  throw e;
}

/** The outcome callbacks onAttempt hooks returned for one upstream call, with who returned them. */
export type AttemptEnds = Array<{ plugin: CompiledPlugin; end: AttemptEnd }>;

/**
 * The onAttempt phase as an upstream call starts: returns the plugins' outcome callbacks
 * (undefined when none). Throws the client-facing error when a hook fails (fail closed).
 */
export function runAttemptStart(ctx: RequestContext, attempt: UpstreamAttempt): AttemptEnds | undefined {
  const hooks = ctx.pipeline?.onAttempt;
  if (!hooks || hooks.length === 0) return undefined;
  let ends: AttemptEnds | undefined;
  for (let i = 0; i < hooks.length; i++) {
    const p = hooks[i]!;
    try {
      const end: unknown = p.instance.onAttempt!(ctx, attempt);
      if (typeof end === 'function') (ends ??= []).push({ plugin: p, end: end as AttemptEnd });
      // The phase is synchronous; an async hook's rejection must still not go unhandled.
      else if (isThenable(end)) end.then(undefined, (err: unknown) => lateFailure(ctx, p, 'onAttempt', err, ctx.onPluginFailure));
    } catch (err) {
      throw pluginFailure(ctx, p, 'onAttempt', err, ctx.onPluginFailure);
    }
  }
  return ends;
}

/** Tells each onAttempt callback the outcome; never throws (the attempt is already settled). */
export function runAttemptEnd(ctx: RequestContext, ends: AttemptEnds, outcome: AttemptOutcome): void {
  for (let i = 0; i < ends.length; i++) {
    const e = ends[i]!;
    try {
      const r: unknown = e.end(outcome);
      if (isThenable(r)) r.then(undefined, (err: unknown) => lateFailure(ctx, e.plugin, 'onAttempt', err, ctx.onPluginFailure));
    } catch (err) {
      lateFailure(ctx, e.plugin, 'onAttempt', err, ctx.onPluginFailure);
    }
  }
}

/** A stream hook returned a promise: the phase is synchronous, so that is a plugin failure (and its rejection is caught). */
export function asyncStreamHook(ctx: RequestContext, p: CompiledPlugin, result: Promise<unknown>, onFail?: PluginFailureHook): GatewayError {
  result.then(undefined, () => undefined);
  return pluginFailure(ctx, p, 'onStreamChunk', new TypeError('onStreamChunk must be synchronous (it returned a promise)'), onFail);
}

/** Runs onDone hooks after the last byte; never throws, and a rejecting async hook is caught too. */
export function runDone(pipeline: CompiledPipeline, ctx: RequestContext, onFail?: PluginFailureHook): void {
  const done = pipeline.onDone;
  for (let i = 0; i < done.length; i++) {
    const p = done[i]!;
    try {
      const r = p.instance.onDone!(ctx);
      if (isThenable(r)) r.then(undefined, (err: unknown) => lateFailure(ctx, p, 'onDone', err, onFail));
    } catch (err) {
      lateFailure(ctx, p, 'onDone', err, onFail);
    }
  }
}
