/**
 * Streams an SSE response to the client event by event: no buffering (each event is
 * written as it arrives), backpressure respected (we wait for 'drain' before pulling the
 * next event, so a slow reader never makes us hold the answer), the upstream aborted when
 * the client goes away (returning the iterator), and a failure mid-stream ending with a
 * final error event instead of a clean-looking end.
 *
 * One loop between the adapter's events and the socket: usage recording and stripping,
 * the stream hooks and the codec's encoding happen inline, per event, with no generator
 * in between. An event no hook changed keeps the upstream's text (`raw`): what the
 * upstream sent is what the client gets. When the stream is over, however it ended, the
 * response's `settle` closes the upstream attempt's books.
 *
 * Each event is written as soon as it is encoded; no corking. Events that arrive together
 * are coalesced by the socket anyway (while one write is pending, the next ones queue and
 * go out as one writev: two socket writes per 21-event burst, counted), and corking until
 * setImmediate held the first byte until the event loop's check phase (measured: about a
 * millisecond of time to first byte under load).
 */
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { RequestContext } from '../context.ts';
import type { CompiledPipeline } from '../compile.ts';
import type { StreamEnd, StreamEvent, StreamUpstreamResponse } from '../types.ts';
import type { Codec } from '../server/codec.ts';
import type { PluginFailureHook } from '../executor.ts';
import { asyncStreamHook, pluginFailure } from '../executor.ts';
import { toGatewayError } from '../errors.ts';
import { headerList } from './respond.ts';

const SSE_HEADERS = ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', 'x-accel-buffering', 'no'];

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
  const end: StreamEnd = {};
  try {
    let r: IteratorResult<StreamEvent>;
    try {
      r = await it.next();
    } catch (err) {
      end.error = err;
      throw err;
    }
    // No flushHeaders(): the first event is already here, and Node sends the headers with
    // it in one write (one packet instead of two).
    res.writeHead(200, headerList(headers, SSE_HEADERS));
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
        const usage = ev.data.usage;
        if (usage) {
          ctx.usage = end.usage = usage;
          if (!clientWantsUsage) ev = ev.data.choices.length === 0 ? null : { data: { ...ev.data, usage: undefined } };
        }
        if (ev !== null && hooks.length) ev = runChunkHooks(ctx, hooks, ev, onFail);
        if (ev !== null) {
          const text = enc.event(ev);
          if (text && !res.write(text)) await once(res, 'drain', { signal: ctx.signal });
        }
        if (ctx.signal.aborted) break;
        try {
          r = await it.next();
        } catch (err) {
          end.error = err;
          throw err;
        }
      }
      if (ctx.signal.aborted) {
        end.aborted = true;
        await it.return?.();
        return;
      }
      res.end(await enc.end());
    } catch (err) {
      await it.return?.().catch(() => undefined);
      // Only the upstream's own failure is a verdict on it; a stream we dropped (a plugin
      // failed, the client left) is not.
      if (end.error === undefined) end.aborted = true;
      if (ctx.signal.aborted || res.destroyed) {
        end.aborted = true;
        return;
      }
      const e = toGatewayError(err);
      ctx.error = e;
      if (e.code === 'GW_ERR_INTERNAL') ctx.log.error({ err }, 'stream failed');
      else ctx.log.warn({ code: e.code, upstream_status: e.upstreamStatus }, 'stream failed mid-way');
      res.end(enc.error(e));
    }
  } finally {
    resp.settle?.(end);
  }
}

/**
 * The stream hooks, bottom→top. A hook that returns the event it got keeps its raw bytes;
 * one that returns another event rewrote it, and a `raw` carried over from the original
 * (a spread `{ ...ev, data }`) no longer describes it, so it is dropped.
 */
function runChunkHooks(ctx: RequestContext, hooks: CompiledPipeline['onStreamChunk'], ev: StreamEvent, onFail?: PluginFailureHook): StreamEvent | null {
  let cur: StreamEvent | null = ev;
  for (let i = 0; i < hooks.length && cur !== null; i++) {
    const p = hooks[i]!;
    let next: StreamEvent | null;
    try {
      // undefined counts as null (drop), as it always did.
      next = p.instance.onStreamChunk!(ctx, cur) ?? null;
    } catch (err) {
      throw pluginFailure(ctx, p, 'onStreamChunk', err, onFail);
    }
    if (next !== null && typeof (next as { then?: unknown }).then === 'function') throw asyncStreamHook(ctx, p, next as unknown as Promise<unknown>, onFail);
    if (next !== null && next !== cur && next.raw !== undefined && next.raw === cur.raw) {
      const { raw: _stale, ...rewritten } = next; // promptUsage and any other field stay
      next = rewritten;
    }
    cur = next;
  }
  return cur;
}
