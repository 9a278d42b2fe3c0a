/**
 * Streams an SSE response to the client event by event: no buffering (each event is
 * written as it arrives), backpressure respected (we wait for 'drain' before pulling the
 * next event, so a slow reader never makes us hold the answer), the upstream aborted when
 * the client goes away (returning the iterator), and a failure mid-stream ending with a
 * final error event instead of a clean-looking end.
 */
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { RequestContext } from '../context.ts';
import type { CompiledPipeline } from '../compile.ts';
import type { StreamEvent, StreamUpstreamResponse } from '../types.ts';
import type { Codec } from '../server/codec.ts';
import type { PluginFailureHook } from '../executor.ts';
import { pluginFailure } from '../executor.ts';
import { toGatewayError } from '../errors.ts';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/**
 * Pulls the first event before sending headers, so a failure before the first byte is
 * still a proper HTTP error (and the dispatcher may fall back); rejects in that case.
 */
export async function pumpStream(
  ctx: RequestContext,
  resp: StreamUpstreamResponse,
  pipeline: CompiledPipeline,
  codec: Codec,
  res: ServerResponse,
  headers: Record<string, string>,
  onFail?: PluginFailureHook,
): Promise<void> {
  const it = resp.events[Symbol.asyncIterator]();
  let r = await it.next();
  for (const k in headers) res.setHeader(k, headers[k]!);
  // No flushHeaders(): the first event is already here, and Node sends the headers with
  // it in one write (one packet instead of two).
  res.writeHead(200, SSE_HEADERS);
  ctx.status = 200;
  ctx.firstByteAt = performance.now();
  const enc = codec.streamEncoder(ctx);
  // Usage is always asked of the upstream so it can be recorded; the client gets the
  // usage chunk only if it asked for it (OpenAI's stream_options.include_usage).
  const clientWantsUsage = codec.name !== 'openai' || (ctx.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage === true;
  const hooks = pipeline.onStreamChunk;
  try {
    while (!r.done) {
      let ev: StreamEvent | null = r.value;
      if (ev.data.usage) {
        ctx.usage = ev.data.usage;
        if (!clientWantsUsage) ev = ev.data.choices.length === 0 ? null : { data: { ...ev.data, usage: undefined } };
      }
      if (ev && hooks.length) ev = runChunkHooks(ctx, hooks, ev, onFail);
      if (ev) {
        const text = enc.event(ev);
        if (text && !res.write(text)) await once(res, 'drain', { signal: ctx.signal });
      }
      if (ctx.signal.aborted) break;
      r = await it.next();
    }
    if (ctx.signal.aborted) {
      await it.return?.();
      return;
    }
    res.end(await enc.end());
  } catch (err) {
    await it.return?.().catch(() => undefined);
    if (ctx.signal.aborted || res.destroyed) return;
    const e = toGatewayError(err);
    ctx.error = e;
    if (e.code === 'GW_ERR_INTERNAL') ctx.log.error({ err }, 'stream failed');
    else ctx.log.warn({ code: e.code, upstream_status: e.upstreamStatus }, 'stream failed mid-way');
    res.end(enc.error(e));
  }
}

function runChunkHooks(ctx: RequestContext, hooks: CompiledPipeline['onStreamChunk'], ev: StreamEvent, onFail?: PluginFailureHook): StreamEvent | null {
  // A hook may rewrite the chunk, so the upstream's bytes can no longer be forwarded.
  let cur: StreamEvent | null = ev.promptUsage ? { data: ev.data, promptUsage: ev.promptUsage } : { data: ev.data };
  for (let i = 0; i < hooks.length && cur; i++) {
    const p = hooks[i]!;
    try {
      cur = p.instance.onStreamChunk!(ctx, cur);
    } catch (err) {
      throw pluginFailure(ctx, p, 'onStreamChunk', err, onFail);
    }
  }
  return cur;
}
