/**
 * Runs a compiled pipeline for one request: onRequest top→bottom (a `{ respond }` stops
 * the descent), the terminal invoke, onResponse bottom→top over the plugins above the
 * point where the response came from. A plugin that throws anything but a GatewayError
 * fails the request closed with a generic 500; the log names the plugin, phase and cause.
 */
import type { RequestContext } from './context.ts';
import type { CompiledPipeline, CompiledPlugin } from './compile.ts';
import type { ShortCircuit, UpstreamResponse } from './types.ts';
import { type GatewayError, gatewayError, isGatewayError } from './errors.ts';

export type PluginFailureHook = (plugin: string, phase: string) => void;

interface Thenable {
  then: unknown;
}
const isThenable = (v: unknown): v is Promise<unknown> => v !== null && typeof v === 'object' && typeof (v as Thenable).then === 'function';

/** Turns what a plugin threw into the client-facing error, logging internals. */
export function pluginFailure(ctx: RequestContext, p: CompiledPlugin, phase: string, err: unknown, onFail?: PluginFailureHook): GatewayError {
  if (isGatewayError(err)) return err;
  onFail?.(p.id, phase);
  ctx.log.error({ plugin: p.id, phase, err }, 'plugin failed; request denied');
  return gatewayError('GW_ERR_INTERNAL', { cause: err });
}

export async function runPipeline(pipeline: CompiledPipeline, ctx: RequestContext, onFail?: PluginFailureHook): Promise<UpstreamResponse> {
  let stopAt = pipeline.plugins.length;
  let p: CompiledPlugin | null = null;
  let phase = 'onRequest';
  try {
    const req = pipeline.onRequest;
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
      p = pipeline.invoke;
      phase = 'invoke';
      if (!p) throw gatewayError('GW_ERR_NOT_FOUND', { message: 'This route has no terminal plugin.' });
      ctx.response = await p.instance.invoke!(ctx, ctx.signal);
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
    const e = p ? pluginFailure(ctx, p, phase, err, onFail) : gatewayError('GW_ERR_INTERNAL', { cause: err });
    return handleError(pipeline, ctx, e, onFail);
  }
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
        ctx.response = r.respond;
        return r.respond;
      }
    } catch (err) {
      pluginFailure(ctx, p, 'onError', err, onFail);
    }
  }
  throw e;
}

/** Runs onDone hooks after the last byte; never throws (a failing hook is logged). */
export function runDone(pipeline: CompiledPipeline, ctx: RequestContext, onFail?: PluginFailureHook): void {
  const done = pipeline.onDone;
  for (let i = 0; i < done.length; i++) {
    const p = done[i]!;
    try {
      p.instance.onDone!(ctx);
    } catch (err) {
      onFail?.(p.id, 'onDone');
      ctx.log.error({ plugin: p.id, phase: 'onDone', err }, 'plugin onDone failed');
    }
  }
}
