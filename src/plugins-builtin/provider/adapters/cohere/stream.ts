/**
 * Cohere Chat v2 SSE → canonical chunks: message-start, content-start/delta/end,
 * tool-plan-delta, tool-call-start/delta/end, message-end (finish_reason + usage).
 * A stream without message-end was cut.
 */
import type { StreamEvent } from '../../../../engine/types.ts';
import type { StreamTranslator } from '../../http/translate.ts';
import type { SseEvent } from '../../http/types.ts';
import { parseEventJson } from '../../http/parse.ts';
import { badUpstream, streamErrorEvent } from '../../http/errors.ts';
import { chunkFactory, type ChunkFactory } from '../shared/chunks.ts';
import { cohereFinish, cohereUsage, type CohereUsage } from './transform.ts';

interface CohereEvent {
  type: string;
  id?: string;
  index?: number;
  delta?: {
    message?: { content?: { text?: string }; tool_calls?: { id?: string; function?: { name?: string; arguments?: string } } };
    finish_reason?: string;
    usage?: CohereUsage;
    error?: string;
  };
}

/** @example translateStream(res.sse(), new CohereStreamTranslator('command-r', scrub)) */
export class CohereStreamTranslator implements StreamTranslator {
  private readonly c: ChunkFactory;
  private ended = false;

  constructor(
    model: string,
    private readonly scrub: (s: string) => string,
  ) {
    this.c = chunkFactory('', model);
  }

  onEvent(ev: SseEvent): StreamEvent | StreamEvent[] | undefined {
    const e = parseEventJson<CohereEvent>(ev.data);
    const msg = e.delta?.message;
    switch (e.type) {
      case 'message-start':
        this.c.id = e.id ?? '';
        return this.c.delta({ role: 'assistant', content: '' });
      case 'content-delta':
        return this.c.delta({ content: msg?.content?.text ?? '' });
      case 'tool-call-start': {
        const t = msg?.tool_calls;
        return this.c.delta({
          tool_calls: [{ index: e.index ?? 0, id: t?.id, type: 'function', function: { name: t?.function?.name, arguments: t?.function?.arguments ?? '' } }],
        });
      }
      case 'tool-call-delta':
        return this.c.delta({ tool_calls: [{ index: e.index ?? 0, function: { arguments: msg?.tool_calls?.function?.arguments ?? '' } }] });
      case 'message-end': {
        this.ended = true;
        if (e.delta?.finish_reason === 'ERROR' && e.delta.error) throw streamErrorEvent('server_error', e.delta.error, this.scrub);
        return [this.c.finish(cohereFinish(e.delta?.finish_reason)), this.c.usage(cohereUsage(e.delta?.usage))];
      }
      default: // content-start/end, tool-plan-delta, tool-call-end, citation-*, debug
        return undefined;
    }
  }

  onEnd(): StreamEvent[] {
    if (!this.ended) throw badUpstream('the stream ended before message-end');
    return [];
  }
}
